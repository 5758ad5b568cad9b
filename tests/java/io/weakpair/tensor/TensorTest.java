package io.weakpair.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.ops.F;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void roundTripsEveryDtype() {
        try (Scope s = Scope.open()) {
            assertArrayEquals(
                    new float[] {1, 2, 3, 4, 5, 6},
                    Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).toFloatArray());
            assertArrayEquals(
                    new double[] {1.5, -2}, Tensor.of(new double[] {1.5, -2}, 2).toDoubleArray());
            assertArrayEquals(
                    new int[] {7, -8, 9}, Tensor.ofInts(new int[] {7, -8, 9}, 3).toIntArray());
            assertArrayEquals(
                    new long[] {1L << 40, -3},
                    Tensor.ofLongs(new long[] {1L << 40, -3}, 2).toLongArray());
            assertEquals(3.0, Tensor.ofInts(new int[] {3}, 1).toDType(DType.F64).item());
            assertEquals(2.5, Tensor.scalar(2.5, DType.F32).item());
        }
    }

    @Test
    void viewsShareStorageAndContiguousCopies() {
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
            Tensor t = F.transpose(x, 0, 1);
            assertFalse(t.isContiguous());
            assertSame(x.storage(), t.storage());
            assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());
            Tensor c = t.contiguous();
            assertTrue(c.isContiguous());
            assertArrayEquals(new int[] {3, 2}, c.shape());
            Tensor sl = F.slice(x, 1, 1, 3);
            assertArrayEquals(new float[] {1, 2, 4, 5}, sl.toFloatArray());
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, F.reshape(x, 3, 2).toFloatArray());
        }
    }

    private static void assertSame(Object a, Object b) {
        org.junit.jupiter.api.Assertions.assertSame(a, b);
    }

    @Test
    void scopeFreesEverythingItOwnedAndKeepEscapes() {
        long before = MemoryStats.liveStorages(Device.Kind.CPU);
        Tensor kept;
        try (Scope s = Scope.open()) {
            Tensor a = Tensor.randn(1, 1, DType.F32, Device.CPU, 64, 64);
            Tensor b = F.tanh(F.matmul(a, a));
            kept = s.keep(F.sum(b));
            assertTrue(MemoryStats.liveStorages(Device.Kind.CPU) > before + 2);
        }
        assertEquals(before + 1, MemoryStats.liveStorages(Device.Kind.CPU), "only the kept tensor survives the scope");
        assertFalse(kept.isClosed());
        kept.close();
        assertEquals(before, MemoryStats.liveStorages(Device.Kind.CPU));
    }

    @Test
    void closedTensorIsAnErrorNamingTheOp() {
        Tensor x = Tensor.of(new float[] {1, 2}, 2);
        x.close();
        x.close(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> F.add(x, x));
        assertTrue(e.getMessage().contains("add"), e.getMessage());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, x::toFloatArray);
    }

    @Test
    void badShapesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.empty(DType.F32, -1, 2));
        assertThrows(IllegalArgumentException.class, () -> Tensor.empty(DType.F32, 1, 1, 1, 1, 1, 1, 1, 1, 1));
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.zeros(DType.F32, 2, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> F.reshape(x, 4, 2));
            assertTrue(e.getMessage().contains("reshape") && e.getMessage().contains("[2, 3]"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> F.transpose(x, 0, 1).viewAs(6));
            assertThrows(IllegalArgumentException.class, () -> x.dim(2));
        }
    }

    @Test
    void deviceParsing() {
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(Device.cuda(1), Device.parse("CUDA:1"));
        assertEquals(Device.cuda(0), Device.parse("cuda"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda:x"));
    }
}
