/* Cross-entropy on the GPU: the CUDA twin of wp/cross_entropy.h (device pointers, plus the
 * stream). The hard-target forward reports the first bad target through a device int64 instead
 * of a return value, so nothing waits for the GPU: *first_bad = that row, or -1. As on the CPU,
 * nothing is written when a target is bad. */
#pragma once
#include "wpc/common.h"

WP_API void wpc_cross_entropy_forward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                      const int32_t* targets, int32_t ignore_index, void* loss, void* lse,
                                      int64_t* first_bad, cudaStream_t stream);

/* Targets must have passed the forward's check; an out-of-range target (which cannot be
 * reported here without waiting for the GPU) gets no one-hot term instead of a memory fault. */
WP_API void wpc_cross_entropy_backward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                       const int32_t* targets, int32_t ignore_index, const void* lse,
                                       const void* gloss, void* glogits, cudaStream_t stream);

WP_API void wpc_soft_cross_entropy_forward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                           const void* q, void* loss, void* lse, cudaStream_t stream);

WP_API void wpc_soft_cross_entropy_backward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                            const void* q, const void* lse, const void* gloss, void* glogits,
                                            void* gq, cudaStream_t stream);
