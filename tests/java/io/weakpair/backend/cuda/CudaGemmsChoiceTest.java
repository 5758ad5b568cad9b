package io.weakpair.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Test;

/**
 * Which GEMM a device gets (runs anywhere: the choice is apart from the device). On a GPU a
 * cuBLAS that cannot be loaded must stop the backend with the cause and the way out, never fall
 * back silently to the built-in kernel; on the emulator the built-in kernel is the only one.
 */
class CudaGemmsChoiceTest {
    private static GemmEngine unloadable() {
        throw new UnsatisfiedLinkError("libcublas.so.13: cannot open shared object file");
    }

    @Test
    void anUnloadableCublasOnAGpuIsAnErrorNamingTheCauseAndTheWayOut() {
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> CudaGemms.choose("cuda:0", false, "", CudaGemmsChoiceTest::unloadable));
        assertTrue(e.getMessage().contains("cuda:0: cuBLAS cannot be used"), e.getMessage());
        assertTrue(e.getMessage().contains("libcublas.so.13: cannot open shared object file"), e.getMessage());
        assertTrue(e.getMessage().contains("-Dweakpair.cuda.gemm=builtin"), e.getMessage());
        // a failure inside cuBLAS (cublasCreate) as well
        assertThrows(
                IllegalStateException.class,
                () -> CudaGemms.choose("cuda:0", false, "cublas", () -> {
                    throw new IllegalStateException("cuBLAS: cublasCreate failed: CUBLAS_STATUS_NOT_INITIALIZED");
                }));
    }

    @Test
    void aLoadableCublasIsChosenOnAGpu() {
        GemmEngine fake = new GemmEngine() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public void setTf32(boolean enabled) {}

            @Override
            public void gemm(
                    int dtype,
                    boolean transA,
                    boolean transB,
                    long batch,
                    long m,
                    long n,
                    long k,
                    double alpha,
                    long a,
                    long lda,
                    long strideA,
                    long b,
                    long ldb,
                    long strideB,
                    double beta,
                    long c,
                    long ldc,
                    long strideC) {}
        };
        CudaGemms.Choice c = CudaGemms.choose("cuda:0", false, "", () -> fake);
        assertSame(fake, c.cublas());
        assertEquals("cuBLAS", c.note());
    }

    @Test
    void theBuiltinKernelOnlyOnTheEmulatorOrWhenAskedFor() {
        CudaGemms.Choice emu = CudaGemms.choose("cuda:0", true, "", () -> fail("the emulator must not load cuBLAS"));
        assertNull(emu.cublas());
        assertTrue(emu.note().contains("CPU emulator"), emu.note());
        CudaGemms.Choice asked =
                CudaGemms.choose("cuda:0", false, "BUILTIN", () -> fail("asked for the built-in kernel"));
        assertNull(asked.cublas());
        assertTrue(asked.note().contains("weakpair.cuda.gemm=builtin"), asked.note());
        assertThrows(
                IllegalArgumentException.class,
                () -> CudaGemms.choose("cuda:0", false, "cutlass", () -> fail("bad value")));
    }
}
