/* Similarity logits on the GPU: the CUDA twin of wp/similarity.h (same arguments, device
 * pointers; plus a workspace and the stream). The products run on the library's own GEMM
 * kernel; the Java backend composes the same steps with cuBLAS (the normalisation kernels and
 * the dtau reduction below are exported for that). */
#pragma once
#include "wpc/common.h"

/* unit = x / max(||x||, 1e-12) per row, den = max(||x||, 1e-12). */
WP_API void wpc_similarity_normalize(int32_t dtype, int64_t rows, int64_t dim, const void* x, void* unit, void* den,
                                     cudaStream_t stream);

/* gx = (gu - unit (unit . gu)) / den per row; gx may alias gu. */
WP_API void wpc_similarity_normalize_backward(int32_t dtype, int64_t rows, int64_t dim, const void* unit,
                                              const void* den, const void* gu, void* gx, cudaStream_t stream);

/* *grad_tau (one element of dtype) = -(1/tau) sum_i logits[i] * grad_logits[i] over n elements,
 * summed in double (deterministic: per-block partials, then one block). */
WP_API int64_t wpc_similarity_dtau_workspace_bytes(int64_t n);
WP_API void wpc_similarity_dtau(int32_t dtype, int64_t n, const void* logits, const void* grad_logits, double tau,
                                void* grad_tau, void* workspace, cudaStream_t stream);

WP_API void wpc_similarity_forward(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim, const void* feat_rows,
                                   const void* feat_cols, double tau, void* unit_rows, void* unit_cols,
                                   void* norm_rows, void* norm_cols, void* logits, cudaStream_t stream);

/* workspace: wpc_similarity_dtau_workspace_bytes(n_rows * n_cols) bytes (used for grad_tau). */
WP_API void wpc_similarity_backward(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim, const void* unit_rows,
                                    const void* unit_cols, const void* norm_rows, const void* norm_cols, double tau,
                                    const void* logits, const void* grad_logits, void* grad_rows, void* grad_cols,
                                    void* grad_tau, void* workspace, cudaStream_t stream);
