/* The uITC contrastive loss on the GPU: the CUDA twin of wp/contrastive.h (same targets,
 * alpha, external confidences and outputs; labels are device int64 arrays or NULL). Both
 * forms take a device workspace of the size the matching *_workspace_bytes reports (row and
 * column statistics; for the fused form also S and dS). The fused form always runs
 * materialised on the GPU (S [n_rows, n_cols] in the workspace, as keep_logits = 1 on the CPU):
 * keep_logits and block_rows are accepted and ignored. */
#pragma once
#include "wpc/common.h"

WP_API int64_t wpc_contrastive_logits_workspace_bytes(int32_t dtype, int64_t n_rows, int64_t n_cols);

WP_API void wpc_contrastive_logits(int32_t dtype, int64_t n_rows, int64_t n_cols, const void* logits,
                                   const int64_t* row_labels, const int64_t* col_labels, double alpha,
                                   const void* conf_i2t, const void* conf_t2i, void* losses, void* grad_logits,
                                   void* workspace, cudaStream_t stream);

WP_API int64_t wpc_contrastive_fused_workspace_bytes(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim);

WP_API void wpc_contrastive_fused(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim, const void* feat_rows,
                                  const void* feat_cols, double tau, const int64_t* row_labels,
                                  const int64_t* col_labels, double alpha, const void* conf_i2t, const void* conf_t2i,
                                  int32_t keep_logits, int64_t block_rows, void* losses, void* grad_rows, void* grad_cols, void* grad_tau,
                                  void* workspace, cudaStream_t stream);
