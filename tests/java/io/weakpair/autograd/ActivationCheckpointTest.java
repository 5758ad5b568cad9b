package io.weakpair.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.MemoryStats;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.GradCheck;
import io.weakpair.testing.ScopePerTest;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Recomputed blocks: the gradients they give, the memory they hold, and their misuse. */
@ExtendWith(ScopePerTest.class)
class ActivationCheckpointTest {
    private static final int ROWS = 6, COLS = 8;

    /** A two-layer block reading a parameter that is not one of its inputs. */
    private static Function<Tensor[], Tensor> block(Tensor w) {
        return in -> F.add(F.gelu(F.layerNorm(F.matmul(in[0], w), null, null, 1e-5)), in[1]);
    }

    @Test
    void recomputedGradientsMatchFiniteDifferencesForInputsAndParameters() {
        Tensor x = GradCheck.param(1, ROWS, COLS),
                r = GradCheck.param(2, ROWS, COLS),
                w = GradCheck.param(3, COLS, COLS);
        GradCheck.check(
                "checkpoint",
                in -> {
                    Tensor h = ActivationCheckpoint.apply(
                            "test", true, b -> block(b[2]).apply(b), F.tanh(in[0]), in[1], in[2]);
                    return F.mul(h, h); // the graph continues past the block, and starts before it (tanh)
                },
                x,
                r,
                w);
    }

    @Test
    void recomputingGivesTheSameValuesAndGradientsAsHoldingTheActivations() {
        Tensor w = Tensor.randn(4, 1, DType.F64, Device.CPU, COLS, COLS).requiresGrad(true);
        double[][] results = new double[2][];
        double[][] wGrads = new double[2][];
        for (int run = 0; run < 2; run++) {
            Tensor x = Tensor.randn(5, 1, DType.F64, Device.CPU, ROWS, COLS).requiresGrad(true);
            Tensor r = Tensor.randn(6, 1, DType.F64, Device.CPU, ROWS, COLS); // an input that needs no gradient
            Tensor y = ActivationCheckpoint.apply("test", run == 1, block(w), x, r);
            Autograd.backward(F.sum(F.mul(y, y)));
            results[run] = concat(y.toDoubleArray(), x.grad().toDoubleArray());
            wGrads[run] = w.grad().toDoubleArray();
            w.zeroGrad();
        }
        assertArrayEquals(results[0], results[1], 1e-12);
        assertArrayEquals(wGrads[0], wGrads[1], 1e-12);
    }

    @Test
    void aRecomputedBlockHoldsOnlyItsOutputBetweenForwardAndBackward() {
        Tensor w = Tensor.randn(7, 1, DType.F64, Device.CPU, COLS, COLS).requiresGrad(true);
        Tensor x = Tensor.randn(8, 1, DType.F64, Device.CPU, ROWS, COLS).requiresGrad(true);
        Tensor r = Tensor.zeros(DType.F64, Device.CPU, ROWS, COLS);
        long before = MemoryStats.liveBytes(Device.Kind.CPU);
        Tensor y = ActivationCheckpoint.apply("test", true, block(w), x, r);
        assertEquals(
                before + (long) ROWS * COLS * Double.BYTES,
                MemoryStats.liveBytes(Device.Kind.CPU),
                "only the output is live");
        long heldWithout = liveAfter(() -> ActivationCheckpoint.apply("test", false, block(w), x, r));
        assertTrue(
                heldWithout >= 4L * ROWS * COLS * Double.BYTES,
                "without recomputation the block's activations are held: " + heldWithout);
        Autograd.backward(F.sum(y));
        assertFalse(x.grad() == null || w.grad() == null);
    }

    @Test
    void withoutRecordingTheBlocksIntermediatesAreFreedOnReturn() {
        Tensor w = Tensor.randn(9, 1, DType.F64, Device.CPU, COLS, COLS);
        Tensor x = Tensor.randn(10, 1, DType.F64, Device.CPU, ROWS, COLS);
        try (GradMode off = GradMode.off()) {
            for (boolean recompute : new boolean[] {false, true})
                assertEquals(
                        (long) ROWS * COLS * Double.BYTES,
                        liveAfter(() -> ActivationCheckpoint.apply("test", recompute, block(w), x, x)));
            // A block that returns its input gives a handle of its own: closing it leaves the input open.
            Tensor same = ActivationCheckpoint.apply("identity", true, in -> in[0], x);
            same.close();
            assertFalse(x.isClosed());
        }
    }

    @Test
    void misuseIsAClearError() {
        Tensor w = Tensor.randn(11, 1, DType.F64, Device.CPU, COLS, COLS).requiresGrad(true);
        Tensor x = Tensor.randn(12, 1, DType.F64, Device.CPU, ROWS, COLS).requiresGrad(true);
        IllegalStateException nullOut = assertThrows(
                IllegalStateException.class, () -> ActivationCheckpoint.apply("test", true, in -> null, x));
        assertTrue(nullOut.getMessage().contains("returned null"), nullOut.getMessage());
        Tensor y = ActivationCheckpoint.apply("test", true, block(w), x, x);
        IllegalStateException retained =
                assertThrows(IllegalStateException.class, () -> Autograd.backward(F.sum(y), true));
        assertTrue(
                retained.getMessage().contains("checkpoint:test")
                        && retained.getMessage().contains("retainGraph"),
                retained.getMessage());
        // An input closed before backward is named, not a crash.
        Tensor x2 = Tensor.randn(13, 1, DType.F64, Device.CPU, ROWS, COLS).requiresGrad(true);
        Tensor in = F.tanh(x2);
        Tensor y2 = ActivationCheckpoint.apply("test", true, block(w), in, in);
        in.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> Autograd.backward(F.sum(y2)));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
        assertNull(x2.grad());
    }

    /** Bytes still live after {@code make} ran, minus before (the result is closed after measuring). */
    private static long liveAfter(java.util.function.Supplier<Tensor> make) {
        long before = MemoryStats.liveBytes(Device.Kind.CPU);
        Tensor t = make.get();
        long held = MemoryStats.liveBytes(Device.Kind.CPU) - before;
        t.close();
        return held;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
