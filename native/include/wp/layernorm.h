/* Layer normalisation over the last axis of a row-major [rows, cols] tensor. */
#pragma once
#include "wp/common.h"

/* y = (x - mean) * rstd * gamma + beta per row, with rstd = 1 / sqrt(var + eps) and the biased
 * (population) variance, as PyTorch's layer_norm. gamma and beta ([cols]) may each be NULL
 * (no scale, no shift). Writes mean and rstd ([rows]) for the backward. Statistics are
 * accumulated in double whatever the dtype. */
WP_API void wp_layernorm_forward(int32_t dtype, int64_t rows, int64_t cols, const void* x, const void* gamma,
                                 const void* beta, double eps, void* y, void* mean, void* rstd);

/* Gradients of wp_layernorm_forward from the saved mean and rstd. gx [rows, cols], ggamma and
 * gbeta [cols] are overwritten; any of them may be NULL when not needed. gamma may be NULL
 * (the forward had no scale). ggamma and gbeta are reduced over rows from per-thread partial
 * sums, so the result does not race, and is deterministic for a given thread count. */
WP_API void wp_layernorm_backward(int32_t dtype, int64_t rows, int64_t cols, const void* x, const void* gamma,
                                  const void* mean, const void* rstd, const void* gy, void* gx, void* ggamma,
                                  void* gbeta);
