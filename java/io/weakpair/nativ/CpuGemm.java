package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/gemm.h (OpenBLAS underneath). */
@Platform(include = "wp/gemm.h", link = "weakpair_cpu")
public final class CpuGemm {
    static { NativeLoader.load(CpuGemm.class); }

    private CpuGemm() {}

    public static native void wp_gemm_batched(int dtype, int transA, int transB, long batch, long m, long n, long k,
            double alpha, @Cast("const void*") long a, long lda, long strideA,
            @Cast("const void*") long b, long ldb, long strideB, double beta,
            @Cast("void*") long c, long ldc, long strideC);
}
