/* The uITC contrastive loss on the GPU: the CUDA twin of wp/contrastive.h (same targets,
 * alpha, external confidences and outputs; labels are device int64 arrays or NULL). Every
 * form takes a device workspace of the size the matching *_workspace_bytes reports. */
#pragma once
#include "wpc/common.h"

/* Row and column statistics: O(n_rows + n_cols). */
WP_API int64_t wpc_contrastive_logits_workspace_bytes(int32_t dtype, int64_t n_rows, int64_t n_cols);

WP_API void wpc_contrastive_logits(int32_t dtype, int64_t n_rows, int64_t n_cols, const void* logits,
                                   const int64_t* row_labels, const int64_t* col_labels, double alpha,
                                   const void* conf_i2t, const void* conf_t2i, void* losses, void* grad_logits,
                                   void* workspace, cudaStream_t stream);

/* The fused form, materialised (keep_logits = 1: S and dS [n_rows, n_cols] in the workspace)
 * or tiled (keep_logits = 0: one block of block_rows rows of S, recomputed in the second pass;
 * block_rows <= 0 picks wpc_contrastive_auto_block_rows), as on the CPU. This C entry point
 * runs its products on the built-in GEMM kernel; the Java backend composes the tiled pieces
 * below with cuBLAS instead. The workspace size depends on keep_logits and block_rows. */
WP_API int64_t wpc_contrastive_fused_workspace_bytes(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim,
                                                     int32_t keep_logits, int64_t block_rows);

WP_API void wpc_contrastive_fused(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim, const void* feat_rows,
                                  const void* feat_cols, double tau, const int64_t* row_labels,
                                  const int64_t* col_labels, double alpha, const void* conf_i2t, const void* conf_t2i,
                                  int32_t keep_logits, int64_t block_rows, void* losses, void* grad_rows, void* grad_cols, void* grad_tau,
                                  void* workspace, cudaStream_t stream);

/* The GPU's row-block size when block_rows <= 0: at least 256 rows, about 2^22 logits a block
 * (larger than the CPU's 2^20: a GPU GEMM needs more work per call to run near full speed). */
WP_API int64_t wpc_contrastive_auto_block_rows(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim);

/* The tiled form in pieces, for a caller that computes each block of rows of S itself
 * (S_blk = rows [row0, row0 + rows) of S, [rows, n_cols] contiguous); memory O(n_rows + n_cols)
 * besides the caller's block. On one workspace of wpc_contrastive_tiled_workspace_bytes bytes:
 *  1. tiled_begin;
 *  2. tiled_add_block for blocks covering every row once (any order);
 *  3. tiled_finish: losses (3 elements: L, L_i2t, L_t2i);
 *  4. for the gradient, tiled_grad_block for each block, S_blk recomputed: dS written over it
 *     (and each row's sum dS * S kept in the workspace); then tiled_grad_tau: -(1/tau) sum dS * S.
 * Labels, alpha and confidences must be the same in every call. */
WP_API int64_t wpc_contrastive_tiled_workspace_bytes(int32_t dtype, int64_t n_rows, int64_t n_cols);

WP_API void wpc_contrastive_tiled_begin(int32_t dtype, int64_t n_rows, int64_t n_cols, void* workspace,
                                        cudaStream_t stream);

WP_API void wpc_contrastive_tiled_add_block(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t row0, int64_t rows,
                                            const void* logits_block, const int64_t* row_labels,
                                            const int64_t* col_labels, double alpha, const void* conf_i2t,
                                            const void* conf_t2i, void* workspace, cudaStream_t stream);

WP_API void wpc_contrastive_tiled_finish(int32_t dtype, int64_t n_rows, int64_t n_cols, const int64_t* row_labels,
                                         const int64_t* col_labels, double alpha, const void* conf_t2i, void* losses,
                                         void* workspace, cudaStream_t stream);

WP_API void wpc_contrastive_tiled_grad_block(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t row0,
                                             int64_t rows, void* logits_block, const int64_t* row_labels,
                                             const int64_t* col_labels, double alpha, const void* conf_i2t,
                                             const void* conf_t2i, void* workspace, cudaStream_t stream);

WP_API void wpc_contrastive_tiled_grad_tau(int32_t dtype, int64_t n_rows, int64_t n_cols, double tau, void* grad_tau,
                                           void* workspace, cudaStream_t stream);
