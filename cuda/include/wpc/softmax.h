/* Row softmax and log-softmax on the GPU: the CUDA twin of wp/softmax.h. */
#pragma once
#include "wpc/common.h"

/* y = softmax(x) (log = 0) or log_softmax(x) of each row; y may alias x. */
WP_API void wpc_softmax_forward(int32_t dtype, int64_t rows, int64_t cols, const void* x, void* y, int32_t log,
                                cudaStream_t stream);

/* gx = y * (gy - sum(gy * y)), or gy - exp(y) * sum(gy) for log-softmax; gx may alias gy. */
WP_API void wpc_softmax_backward(int32_t dtype, int64_t rows, int64_t cols, const void* y, const void* gy, void* gx,
                                 int32_t log, cudaStream_t stream);
