/* L2 normalisation of the rows of a row-major [rows, cols] tensor: y = x / max(||x||, eps). */
#pragma once
#include "wp/common.h"

/* y[r] = x[r] / max(||x[r]||, eps); norms[r] = ||x[r]|| (the unclamped norm, accumulated in double). */
WP_API void wp_l2norm_forward(int32_t dtype, int64_t rows, int64_t cols, const void* x, void* y, void* norms,
                              double eps);

/* Gradient from the forward output y and the saved norms:
 *   ||x|| > eps:  gx = (gy - y * (y . gy)) / ||x||    (docs/method.md section 3, dL/dF)
 *   ||x|| <= eps: gx = gy / eps                        (y = x / eps is linear there)
 * gx may alias gy. */
WP_API void wp_l2norm_backward(int32_t dtype, int64_t rows, int64_t cols, const void* y, const void* norms,
                               const void* gy, void* gx, double eps);
