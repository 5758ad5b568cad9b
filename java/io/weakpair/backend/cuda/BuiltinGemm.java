package io.weakpair.backend.cuda;

import io.weakpair.nativ.cuda.CudaKernels;

/** The tiled GEMM kernel of libweakpair_cuda (plain FMA): the fallback when cuBLAS cannot be loaded. */
final class BuiltinGemm implements GemmEngine {
    private final CudaMemory backend;

    BuiltinGemm(CudaMemory backend) {
        this.backend = backend;
    }

    @Override
    public String name() {
        return "built-in kernel";
    }

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
            long strideC) {
        CudaKernels.wpc_gemm_batched(
                dtype,
                transA ? 1 : 0,
                transB ? 1 : 0,
                batch,
                m,
                n,
                k,
                alpha,
                a,
                lda,
                strideA,
                b,
                ldb,
                strideB,
                beta,
                c,
                ldc,
                strideC,
                backend.stream());
    }

    @Override
    public void setTf32(boolean enabled) {}
}
