package io.weakpair.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.backend.Backends;
import io.weakpair.tensor.Device;
import org.junit.jupiter.api.Test;

/** Device selection with and without a GPU: runs everywhere, asserts what this machine has. */
class CudaAvailabilityTest {
    private static boolean realGpu() {
        CudaProbe.Raw raw = CudaProbe.raw();
        return raw.loaded() && raw.gpuBuild() && raw.deviceCount() > 0;
    }

    @Test
    void autoPicksCudaOnlyWithARealGpu() {
        Device d = Backends.resolve("auto");
        assertEquals(realGpu() ? Device.cuda(0) : Device.CPU, d);
        assertEquals(Device.CPU, Backends.resolve("cpu"));
    }

    @Test
    void unavailableCudaSaysWhy() {
        String previous = System.clearProperty(CudaProbe.EMULATOR_PROPERTY);
        try {
            if (realGpu()) {
                assertTrue(Backends.cudaAvailable());
                assertNull(Backends.cudaUnavailableReason());
                assertEquals(Device.cuda(0), Backends.resolve("cuda"));
                return;
            }
            assertFalse(Backends.cudaAvailable());
            String reason = Backends.cudaUnavailableReason();
            assertNotNull(reason);
            System.out.println("CUDA unavailable here: " + reason);
            assertTrue(
                    reason.contains("driver")
                            || reason.contains("device")
                            || reason.contains("nvcc")
                            || reason.contains("library"),
                    reason);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.get(Device.cuda(0)));
            assertTrue(e.getMessage().contains("cuda:0") && e.getMessage().contains(reason), e.getMessage());
            assertThrows(IllegalStateException.class, () -> Backends.resolve("cuda"));
            assertThrows(IllegalStateException.class, () -> Backends.resolve("cuda:1"));
        } finally {
            if (previous != null) System.setProperty(CudaProbe.EMULATOR_PROPERTY, previous);
        }
    }

    @Test
    void missingDeviceIndexIsNamed() {
        if (!Backends.cudaAvailable()) return; // covered above
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.get(Device.cuda(63)));
        assertTrue(e.getMessage().contains("cuda:63"), e.getMessage());
    }

    @Test
    void badDeviceTextIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Backends.resolve("gpu"));
        assertThrows(IllegalArgumentException.class, () -> Backends.resolve("cuda:x"));
    }
}
