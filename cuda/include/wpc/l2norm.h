/* L2 normalisation of rows on the GPU: the CUDA twin of wp/l2norm.h. */
#pragma once
#include "wpc/common.h"

WP_API void wpc_l2norm_forward(int32_t dtype, int64_t rows, int64_t cols, const void* x, void* y, void* norms,
                               double eps, cudaStream_t stream);

WP_API void wpc_l2norm_backward(int32_t dtype, int64_t rows, int64_t cols, const void* y, const void* norms,
                                const void* gy, void* gx, double eps, cudaStream_t stream);
