/* The AdamW step on the GPU: the CUDA twin of wp/adamw.h (same formula, same scalar
 * precomputation in double on the host). */
#pragma once
#include "wpc/common.h"

WP_API void wpc_adamw_step(int32_t dtype, int64_t n, void* param, const void* grad, void* m, void* v, double lr,
                           double beta1, double beta2, double eps, double weight_decay, int64_t step,
                           cudaStream_t stream);
