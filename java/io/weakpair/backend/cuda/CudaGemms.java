package io.weakpair.backend.cuda;

/**
 * Which GEMM a CUDA device runs: cuBLAS on a GPU, the built-in tiled kernel on the CPU emulator
 * or on request ({@code -Dweakpair.cuda.gemm=builtin}), and whether F32 products may use TF32
 * tensor cores. The choice is made once per device and said in words by {@link #note()}.
 *
 * <p>On a GPU, cuBLAS failing to load is an error, not a fall-back: the built-in kernel is many
 * times slower, and a silent switch would make a run (or the GPU check) pass while measuring
 * the wrong thing. Whoever wants the built-in kernel asks for it.
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
        Choice c = choose(
                device.device().toString(),
                device.isEmulated(),
                System.getProperty(GEMM_PROPERTY, ""),
                () -> new CublasGemm(
                        device, device.allocator.allocate(CUBLAS_WORKSPACE_BYTES), CUBLAS_WORKSPACE_BYTES));
        this.chosen = c.cublas() == null ? builtin : c.cublas();
        this.note = c.note();
    }

    static final String GEMM_PROPERTY = "weakpair.cuda.gemm";

    /** The engine picked: cuBLAS (or null for the built-in kernel) and the words for it. */
    record Choice(GemmEngine cublas, String note) {}

    /**
     * The choice, apart from the device so that it is testable anywhere: the built-in kernel on
     * the emulator or when {@code property} is "builtin"; otherwise cuBLAS, and an
     * IllegalStateException naming the cause and the way out when it cannot be loaded.
     */
    static Choice choose(
            String device, boolean emulated, String property, java.util.function.Supplier<GemmEngine> cublas) {
        if (emulated) return new Choice(null, "built-in kernel (CPU emulator: no cuBLAS)");
        if ("builtin".equalsIgnoreCase(property))
            return new Choice(null, "built-in kernel (" + GEMM_PROPERTY + "=builtin)");
        if (!property.isEmpty() && !"cublas".equalsIgnoreCase(property))
            throw new IllegalArgumentException(GEMM_PROPERTY + "=" + property + ": expected cublas or builtin");
        try {
            return new Choice(cublas.get(), "cuBLAS");
        } catch (LinkageError | RuntimeException e) {
            throw new IllegalStateException(
                    device + ": cuBLAS cannot be used (" + e + "); install libcublas.so.13 where the "
                            + "loader finds it, or run with -D" + GEMM_PROPERTY
                            + "=builtin for the (slow) built-in GEMM",
                    e);
        }
    }

    /** The engine for a product of inner size k: k = 0 is C = beta * C, the built-in kernel's BLAS semantics. */
    GemmEngine forInner(long k) {
        return k == 0 ? builtin : chosen;
    }

    /** The chosen engine (for the method kernels' products, whose inner size is never 0). */
    GemmEngine chosen() {
        return chosen;
    }

    GemmEngine builtin() {
        return builtin;
    }

    /** "cuBLAS" or "built-in kernel (why)". */
    String note() {
        return note;
    }

    void setTf32(boolean enabled) {
        chosen.setTf32(enabled);
        tf32 = enabled;
    }

    boolean tf32() {
        return tf32;
    }
}
