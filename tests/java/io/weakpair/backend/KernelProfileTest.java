package io.weakpair.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The per-kernel timing proxy: it counts every call under the kernel's name and is otherwise invisible. */
class KernelProfileTest {
    @Test
    void everyCallIsCountedAndErrorsPassThroughUnchanged() {
        Backend timed = KernelProfile.wrap(CpuBackend.INSTANCE);
        assertTrue(timed == KernelProfile.wrap(CpuBackend.INSTANCE), "one proxy per backend");
        KernelProfile.reset();
        try (Tensor t = Tensor.zeros(DType.F32, Device.CPU, 4, 8)) {
            for (int i = 0; i < 3; i++) timed.fill(t, 2.5);
            assertEquals(2.5f, t.toFloatArray()[31]);
            assertEquals(Device.CPU, timed.device());
            // A kernel's own error arrives as itself, not wrapped by the proxy.
            Tensor closed = Tensor.zeros(DType.F32, Device.CPU, 2);
            closed.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> timed.fill(closed, 1.0));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        }
        String table = KernelProfile.table();
        assertTrue(table.matches("(?s).*cpu fill\\s+4 .*"), table); // the failed call counts too
        assertTrue(table.contains("timed total"), table);
        KernelProfile.reset();
        assertTrue(!KernelProfile.table().contains("cpu fill"), "reset forgets the times");
    }
}
