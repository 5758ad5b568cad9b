/* Similarity logits of the contrastive loss (docs/method.md, notation and section 3), fused:
 * L2 normalisation of both feature sets, their product and the temperature in one kernel.
 *
 *   f_i = F_i / max(||F_i||, 1e-12),  g_j = G_j / max(||G_j||, 1e-12),  S_ij = (f_i . g_j) / tau
 *
 * F is [n_rows, dim] (image features), G is [n_cols, dim] (text features), all row-major and
 * contiguous, of one floating dtype (WP_F32 or WP_F64). */
#pragma once
#include "wp/common.h"

/* The normalisation floor of docs/method.md (notation). */
#define WP_SIMILARITY_EPS 1e-12

/* Writes unit_rows = f [n_rows, dim], unit_cols = g [n_cols, dim], the divisors
 * norm_rows[i] = max(||F_i||, 1e-12) [n_rows] and norm_cols [n_cols], and logits S
 * [n_rows, n_cols]. tau > 0. */
WP_API void wp_similarity_forward(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim,
                                  const void* feat_rows, const void* feat_cols, double tau,
                                  void* unit_rows, void* unit_cols, void* norm_rows, void* norm_cols,
                                  void* logits);

/* Gradients of wp_similarity_forward from grad_logits = dL/dS [n_rows, n_cols]:
 *   df_i = (1/tau) sum_j dS_ij g_j,   dg_j = (1/tau) sum_i dS_ij f_i,
 *   dF_i = (df_i - f_i (f_i . df_i)) / norm_rows[i]   (same for G),
 *   dtau = -(1/tau) sum_ij dS_ij S_ij.
 * grad_rows [n_rows, dim], grad_cols [n_cols, dim] and grad_tau (one element of dtype) are
 * overwritten; any of them may be NULL when not wanted. */
WP_API void wp_similarity_backward(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim,
                                   const void* unit_rows, const void* unit_cols,
                                   const void* norm_rows, const void* norm_cols, double tau,
                                   const void* logits, const void* grad_logits,
                                   void* grad_rows, void* grad_cols, void* grad_tau);
