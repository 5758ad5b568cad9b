package io.weakpair.backend.cuda;

/** Row-major strided batched GEMM on device pointers (the arguments of Backend#gemm, validated). */
interface GemmEngine {
    /** "cuBLAS" or "built-in kernel". */
    String name();

    void gemm(
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
            long strideC);

    /** Lets F32 products use TF32 tensor cores (no effect where the engine has none). */
    void setTf32(boolean enabled);
}
