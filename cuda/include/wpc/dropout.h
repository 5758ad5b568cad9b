/* Dropout on the GPU: the CUDA twin of wp/dropout.h, with the same counter-based hash of
 * (seed, element index), so a seed gives the same mask on the CPU and on every GPU. */
#pragma once
#include "wpc/common.h"

WP_API void wpc_dropout_forward(int32_t dtype, int64_t n, const void* x, void* y, void* mask, double p, int64_t seed,
                                cudaStream_t stream);
