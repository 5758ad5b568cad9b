package io.weakpair.backend.cuda;

/**
 * Which GEMM a CUDA device runs: cuBLAS when it loads, else the built-in tiled kernel (always on
 * the CPU emulator, or on request with {@code -Dweakpair.cuda.gemm=builtin}), and whether F32
 * products may use TF32 tensor cores. The choice is made once per device and said in words by
 * {@link #note()}.
 */
final class CudaGemms {
    /** cuBLAS workspace: what NVIDIA recommends for Hopper. */
    private static final long CUBLAS_WORKSPACE_BYTES = 32L << 20;

    private final GemmEngine builtin;
    private final GemmEngine chosen;
    private final String note;
    private volatile boolean tf32;

    CudaGemms(CudaMemory device) {
        this.builtin = new BuiltinGemm(device);
        GemmEngine engine = builtin;
        String why;
        if (device.isEmulated()) {
            why = "built-in kernel (CPU emulator: no cuBLAS)";
        } else if ("builtin".equalsIgnoreCase(System.getProperty("weakpair.cuda.gemm", ""))) {
            why = "built-in kernel (weakpair.cuda.gemm=builtin)";
        } else {
            try {
                engine = new CublasGemm(device, device.allocator.allocate(CUBLAS_WORKSPACE_BYTES), CUBLAS_WORKSPACE_BYTES);
                why = "cuBLAS";
            } catch (LinkageError | RuntimeException e) {
                why = "built-in kernel (cuBLAS unavailable: " + e.getMessage() + ")";
            }
        }
        this.chosen = engine;
        this.note = why;
    }

    /** The engine for a product of inner size k: k = 0 is C = beta * C, the built-in kernel's BLAS semantics. */
    GemmEngine forInner(long k) { return k == 0 ? builtin : chosen; }

    /** The chosen engine (for the method kernels' products, whose inner size is never 0). */
    GemmEngine chosen() { return chosen; }

    GemmEngine builtin() { return builtin; }

    /** "cuBLAS" or "built-in kernel (why)". */
    String note() { return note; }

    void setTf32(boolean enabled) {
        chosen.setTf32(enabled);
        tf32 = enabled;
    }

    boolean tf32() { return tf32; }
}
