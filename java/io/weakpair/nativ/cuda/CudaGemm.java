package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for cuda/include/wpc/gemm.h: the built-in GEMM kernel (cuBLAS's fallback). */
@Platform(include = "wpc/gemm.h", link = "weakpair_cuda")
public final class CudaGemm {
    static { CudaNativeLoader.load(CudaGemm.class); }

    private CudaGemm() {}

    public static native void wpc_gemm_batched(int dtype, int transA, int transB, long batch, long m, long n, long k,
            double alpha, @Cast("const void*") long a, long lda, long strideA,
            @Cast("const void*") long b, long ldb, long strideB, double beta,
            @Cast("void*") long c, long ldc, long strideC, @Cast("cudaStream_t") long stream);
}
