/* Parameter-free uncertainty estimation (docs/method.md section 1): the relative confidence of
 * every positive pair within its anchor's positive set, from the logits S [n_rows, n_cols]
 * (row-major, contiguous, WP_F32 or WP_F64) and identity labels.
 *
 *   c_i2t[i][j] = exp(S_ij) / sum_{k in P_i}  exp(S_ik)   for j in P_i, else 0
 *   c_t2i[i][j] = exp(S_ij) / sum_{k in P'_j} exp(S_kj)   for i in P'_j, else 0
 *
 * with P_i = { j : col_labels[j] == row_labels[i] } and P'_j = { i : ... }; the maxima of
 * the positive logits are subtracted first. Labels NULL means the strict pairs:
 * P_i = {i} (when i < n_cols). A row (column) without positives gets all zeros.
 * The result is a constant of the loss (stop-gradient): there is no backward. */
#pragma once
#include "wp/common.h"

/* Writes conf_i2t and conf_t2i, both [n_rows, n_cols]; either may be NULL. */
WP_API void wp_uncertainty_confidence(int32_t dtype, int64_t n_rows, int64_t n_cols, const void* logits,
                                      const int64_t* row_labels, const int64_t* col_labels,
                                      void* conf_i2t, void* conf_t2i);
