/* Fused scaled dot-product attention (FlashAttention-style tiling on the CPU).
 *
 * Per (batch b, head h): out = softmax(scale * q k^T + mask bias) v, with q [Lq, Dh] and
 * k, v [Lk, Dh] at q + ((b*H + h)*Lq)*Dh etc. (all contiguous [B, H, L, Dh]). key_mask is
 * NULL or [B, Lk] int32, nonzero = the key takes part. The [Lq, Lk] score matrix is never
 * stored: keys are visited in tiles with a running row maximum and sum, and the backward
 * recomputes the scores tile by tile from q, k and the saved row log-sum-exp. A query row
 * whose keys are all masked gets output 0, lse -inf and zero gradients. */
#pragma once
#include "wp/common.h"

/* Writes out [B, H, Lq, Dh] and lse [B, H, Lq] (the log-sum-exp of each row's scaled,
 * masked scores). */
WP_API void wp_attention_forward(int32_t dtype, int64_t batch, int64_t heads, int64_t lq, int64_t lk, int64_t dh,
                                 const void* q, const void* k, const void* v, const int32_t* key_mask, double scale,
                                 void* out, void* lse);

/* Gradients of wp_attention_forward given its out and lse and the output gradient gout;
 * gq, gk and gv are overwritten. */
WP_API void wp_attention_backward(int32_t dtype, int64_t batch, int64_t heads, int64_t lq, int64_t lk, int64_t dh,
                                  const void* q, const void* k, const void* v, const int32_t* key_mask, double scale,
                                  const void* out, const void* lse, const void* gout, void* gq, void* gk, void* gv);
