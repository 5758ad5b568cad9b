/* The uncertainty-weighted softmax contrastive loss uITC (docs/method.md sections 2-3) and its
 * gradient, for rectangular logits S [n_rows, n_cols] (rows: images, columns: texts).
 *
 *   q_i2t[i][j] = (1 - alpha) M_ij / |P_i|  + alpha c_i2t[i][j]
 *   q_t2i[i][j] = (1 - alpha) M_ij / |P'_j| + alpha c_t2i[i][j]
 *   L_i2t = -(1/R) sum_i sum_j q_i2t log softmax_j(S_i.)    L_t2i likewise over columns (1/C)
 *   L = (L_i2t + L_t2i) / 2
 *   dL/dS_ij = ((p_i2t sum_k q_i2t[i][k] - q_i2t) / R + (p_t2i sum_k q_t2i[k][j] - q_t2i) / C) / 2
 *
 * with c from section 1 (a constant: stop-gradient). Targets:
 *   labels given, alpha in [0, 1]  -> uITC (alpha = 0 is the itc-id baseline);
 *   labels NULL                    -> itc-strict: P_i = {i} (i < n_cols), targets = identity.
 * R (C) is the number of rows (columns) with at least one positive: n_rows (n_cols) for a
 * square batch; a row or column without positives (e.g. a queued column whose identity is
 * not among the rows) contributes neither loss nor gradient.
 *
 * conf_i2t / conf_t2i, when not NULL, are external confidences [n_rows, n_cols] used instead
 * of computing c from S (read only at positive pairs; e.g. c frozen from another forward,
 * which is how the gradient is checked against finite differences). Then sum_k q may differ
 * from 1 and the general gradient above applies; with computed c it is 1 (docs/method.md section 3 form).
 *
 * losses receives 3 elements of dtype: L, L_i2t, L_t2i. Sums are accumulated in double. */
#pragma once
#include "wp/common.h"

/* Materialised form: S given whole. grad_logits [n_rows, n_cols] (dL/dS) may be NULL
 * (loss only) and may alias logits (the gradient then overwrites S). */
WP_API void wp_contrastive_logits(int32_t dtype, int64_t n_rows, int64_t n_cols, const void* logits,
                                  const int64_t* row_labels, const int64_t* col_labels, double alpha,
                                  const void* conf_i2t, const void* conf_t2i,
                                  void* losses, void* grad_logits);

/* Fused form, from the unnormalised features (S = f g^T / tau as in similarity.h), computing
 * the loss and, when wanted, dF, dG and dtau in one call. Row and column statistics (maximum,
 * log-sum-exp over all and over the positive entries) from a first pass over S give the loss;
 * a second pass turns S into dS block by block, then into df, dg by GEMM, and dF, dG, dtau at
 * the end. Threads own contiguous row ranges and run their GEMMs single-threaded.
 *  - keep_logits = 0 (tiled): S is computed block_rows rows at a time (block_rows <= 0: a size
 *    picked from n_cols) and recomputed in the second pass: S is never stored whole and the
 *    memory is O((n_rows + n_cols) * dim + threads * (block_rows + dim) * n_cols).
 *  - keep_logits = 1 (materialised): S is computed once and kept for the second pass (one GEMM
 *    fewer, n_rows * n_cols elements of memory); block_rows is ignored.
 * grad_rows [n_rows, dim], grad_cols [n_cols, dim], grad_tau (one element): NULL for none;
 * with all three NULL only the forward runs. */
WP_API void wp_contrastive_fused(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim,
                                 const void* feat_rows, const void* feat_cols, double tau,
                                 const int64_t* row_labels, const int64_t* col_labels, double alpha,
                                 const void* conf_i2t, const void* conf_t2i, int32_t keep_logits,
                                 int64_t block_rows, void* losses, void* grad_rows, void* grad_cols,
                                 void* grad_tau);

/* The row-block size the tiled wp_contrastive_fused picks when block_rows <= 0. */
WP_API int64_t wp_contrastive_auto_block_rows(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim);
