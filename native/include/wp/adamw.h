/* The AdamW optimiser step (Loshchilov & Hutter), as torch.optim.AdamW computes it. */
#pragma once
#include "wp/common.h"

/* One in-place AdamW step over n contiguous elements of a floating dtype (F32 or F64):
 *
 *   param *= 1 - lr * weight_decay                      (decoupled weight decay, first)
 *   m      = beta1 * m + (1 - beta1) * grad
 *   v      = beta2 * v + (1 - beta2) * grad^2
 *   param -= lr / (1 - beta1^step) * m / (sqrt(v) / sqrt(1 - beta2^step) + eps)
 *
 * step is the 1-based count of steps taken with this parameter, this one included. param,
 * grad, m and v have the same dtype and n elements; none may overlap another. */
WP_API void wp_adamw_step(int32_t dtype, int64_t n, void* param, const void* grad, void* m, void* v,
                          double lr, double beta1, double beta2, double eps, double weight_decay,
                          int64_t step);
