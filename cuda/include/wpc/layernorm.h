/* Layer normalisation on the GPU: the CUDA twin of wp/layernorm.h (same arguments, device
 * pointers, plus the stream). Statistics in double, as on the CPU. */
#pragma once
#include "wpc/common.h"

WP_API void wpc_layernorm_forward(int32_t dtype, int64_t rows, int64_t cols, const void* x, const void* gamma,
                                  const void* beta, double eps, void* y, void* mean, void* rstd, cudaStream_t stream);

/* ggamma and gbeta are column sums over rows, combined with atomic adds of per-block partial
 * sums when the rows are split across blocks: the last bits may differ from run to run. */
WP_API void wpc_layernorm_backward(int32_t dtype, int64_t rows, int64_t cols, const void* x, const void* gamma,
                                   const void* mean, const void* rstd, const void* gy, void* gx, void* ggamma,
                                   void* gbeta, cudaStream_t stream);
