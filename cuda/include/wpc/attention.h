/* Fused scaled dot-product attention on the GPU: the CUDA twin of wp/attention.h (same
 * layout: q [B, H, Lq, Dh], k and v [B, H, Lk, Dh], key_mask NULL or [B, Lk] int32 with
 * nonzero = attend, lse [B, H, Lq]). FlashAttention-style: keys (or queries, for dk and dv)
 * are visited in shared-memory tiles with a running maximum and sum, so no [Lq, Lk] score
 * matrix is ever stored. Rows whose keys are all masked get out 0, lse -inf and zero
 * gradients. Head dimensions up to 256. */
#pragma once
#include "wpc/common.h"

WP_API void wpc_attention_forward(int32_t dtype, int64_t batch, int64_t heads, int64_t lq, int64_t lk, int64_t dh,
                                  const void* q, const void* k, const void* v, const int32_t* key_mask, double scale,
                                  void* out, void* lse, cudaStream_t stream);

/* gq, gk and gv are overwritten. Two kernels: one per query row for gq, one per key row for gk
 * and gv, each recomputing the probabilities from q, k and the saved lse (no atomics). */
WP_API void wpc_attention_backward(int32_t dtype, int64_t batch, int64_t heads, int64_t lq, int64_t lk, int64_t dh,
                                   const void* q, const void* k, const void* v, const int32_t* key_mask, double scale,
                                   const void* out, const void* lse, const void* gout, void* gq, void* gk, void* gv,
                                   cudaStream_t stream);
