/* Group-wise hard-negative mining and weak-positive selection on the GPU: the CUDA twin of
 * wp/mining.h (same modes, pools, ties and the same reproducible uniform draws; labels a device
 * int64 array, outputs device int32). Any n (below 2^31).
 * A block works on one identity group at a time and keeps O(n) lists (21 n bytes for hard
 * negatives, 4 n for weak positives): in shared memory while they fit the device's per-block
 * limit with opt-in (cudaDevAttrMaxSharedMemoryPerBlockOptin: 163 KiB on sm_80, 227 KiB on
 * sm_90), otherwise in a global-memory workspace of *_workspace_bytes bytes (0 when shared
 * memory suffices; then workspace may be NULL). The size depends on the current device.
 * Topk weak positives: the CPU twin's rule itself (wp/twin/mining_rule.h, with its rounded
 * confidences), so rounding ties (c flushed to 0, logits an ulp apart) go to the lower index as
 * on the CPU. The one part not bit-identical is the double-precision log (and, in F64, exp) of
 * the device's math library, within 1 ulp of glibc's: it can move a pick only when two
 * confidences of a group are that close. */
#pragma once
#include "wpc/common.h"

WP_API int64_t wpc_mining_hard_negatives_workspace_bytes(int32_t dtype, int64_t n);

WP_API int64_t wpc_mining_weak_positives_workspace_bytes(int32_t dtype, int64_t n);

WP_API void wpc_mining_hard_negatives(int32_t dtype, int64_t n, const void* logits, const int64_t* labels,
                                      int32_t mode, uint64_t seed, int32_t* hard_neg_text, int32_t* hard_neg_image,
                                      void* workspace, int64_t workspace_bytes, cudaStream_t stream);

WP_API void wpc_mining_weak_positives(int32_t dtype, int64_t n, const void* logits, const int64_t* labels,
                                      int32_t mode, uint64_t seed, int32_t* weak_pos_text, void* workspace,
                                      int64_t workspace_bytes, cudaStream_t stream);
