/* Group-wise hard-negative mining and weak-positive selection on the GPU: the CUDA twin of
 * wp/mining.h (same modes, pools, ties and the same reproducible uniform draws; labels a device
 * int64 array, outputs device int32). One block per identity group; n up to 8192.
 * Topk weak positives: the CPU twin's rule itself (wp/twin/mining_rule.h, with its rounded
 * confidences), so rounding ties (c flushed to 0, logits an ulp apart) go to the lower index as
 * on the CPU. The one part not bit-identical is the double-precision log (and, in F64, exp) of
 * the device's math library, within 1 ulp of glibc's: it can move a pick only when two
 * confidences of a group are that close. */
#pragma once
#include "wpc/common.h"

WP_API void wpc_mining_hard_negatives(int32_t dtype, int64_t n, const void* logits, const int64_t* labels,
                                      int32_t mode, uint64_t seed, int32_t* hard_neg_text, int32_t* hard_neg_image,
                                      cudaStream_t stream);

WP_API void wpc_mining_weak_positives(int32_t dtype, int64_t n, const void* logits, const int64_t* labels,
                                      int32_t mode, uint64_t seed, int32_t* weak_pos_text, cudaStream_t stream);
