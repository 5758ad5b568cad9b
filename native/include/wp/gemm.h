/* Matrix products through OpenBLAS (row-major). */
#pragma once
#include "wp/common.h"

/* C = alpha * op(A) op(B) + beta * C, op = transpose when trans_* is 1. op(A) is M x K,
 * op(B) is K x N, C is M x N; lda/ldb/ldc are row strides of the stored matrices. */
WP_API void wp_gemm(int32_t dtype, int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k,
                    double alpha, const void* a, int64_t lda, const void* b, int64_t ldb,
                    double beta, void* c, int64_t ldc);

/* The same for `batch` matrices at fixed element strides apart (stride 0 reuses one operand). */
WP_API void wp_gemm_batched(int32_t dtype, int32_t trans_a, int32_t trans_b, int64_t batch,
                            int64_t m, int64_t n, int64_t k, double alpha,
                            const void* a, int64_t lda, int64_t stride_a,
                            const void* b, int64_t ldb, int64_t stride_b, double beta,
                            void* c, int64_t ldc, int64_t stride_c);
