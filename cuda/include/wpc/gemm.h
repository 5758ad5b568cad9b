/* Matrix products on the GPU without cuBLAS: the CUDA twin of wp/gemm.h. The Java backend
 * uses cuBLAS (JavaCPP presets) when it can load it; this tiled kernel is the fallback (no
 * cuBLAS library on the machine, the CPU emulator) and the reference cuBLAS is checked with. */
#pragma once
#include "wpc/common.h"

/* C = alpha * op(A) op(B) + beta * C (row-major), for `batch` matrices at fixed element
 * strides apart (stride 0 reuses one operand); op = transpose when trans_* is 1. op(A) is
 * M x K, op(B) is K x N, C is M x N; lda/ldb/ldc are row strides. beta == 0 ignores C's
 * contents (NaN included), as BLAS does. */
WP_API void wpc_gemm_batched(int32_t dtype, int32_t trans_a, int32_t trans_b, int64_t batch,
                             int64_t m, int64_t n, int64_t k, double alpha,
                             const void* a, int64_t lda, int64_t stride_a,
                             const void* b, int64_t ldb, int64_t stride_b, double beta,
                             void* c, int64_t ldc, int64_t stride_c, cudaStream_t stream);
