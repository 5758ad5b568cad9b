/* Row softmax and log-softmax over the last axis, forward and backward. */
#pragma once
#include "wp/common.h"

/* y = softmax(x) (log = 0) or log_softmax(x) (log != 0) of each of `rows` contiguous rows of
 * `cols` elements. y may alias x. A row of only -inf gives NaN, as the formula does. */
WP_API void wp_softmax_forward(int32_t dtype, int64_t rows, int64_t cols, const void* x, void* y, int32_t log);

/* Gradient from the forward output y: gx = y * (gy - sum(gy * y)) for softmax,
 * gx = gy - exp(y) * sum(gy) for log-softmax. gx may alias gy. */
WP_API void wp_softmax_backward(int32_t dtype, int64_t rows, int64_t cols, const void* y, const void* gy, void* gx,
                                int32_t log);
