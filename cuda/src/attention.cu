// Fused attention, FlashAttention-style on CUDA cores.
//
// Forward (and the gq kernel of the backward): a block holds kWarps query rows, one warp
// each, and walks the keys of its (batch, head) in tiles of 32 staged in shared memory; lane
// j scores key j of the tile against the warp's query, the warp keeps a running maximum m,
// sum l and output accumulator (each lane owns head dimensions lane, lane + 32, ...), and
// rescales them by exp(m_old - m_new) when the maximum grows. At the end out = acc / l and
// lse = m + log l. Masked keys score -inf, so their probability is exactly 0; a row that saw
// no finite score keeps l = 0 and gets out 0, lse -inf.
//
// Backward: with D_i = gout_i . out_i, p_ij = exp(s_ij - lse_i) and ds_ij = p_ij (gout_i . v_j
// - D_i): gq_i = scale * sum_j ds_ij k_j (a block of query rows over key tiles), and
// gk_j = scale * sum_i ds_ij q_i, gv_j = sum_i p_ij gout_i (a block of key rows over query
// tiles). Each kernel owns its outputs, so there are no atomics and the result is
// deterministic.
#include "kernel_util.cuh"
#include "wpc/attention.h"

namespace wpc {
namespace {

constexpr int kWarps = 8;   // rows per block
constexpr int kTile = 32;   // keys (or queries) per shared-memory tile: one per lane
constexpr int kAttnThreads = kWarps * 32;

struct AttnShape {
  int64_t heads, lq, lk;
  int dh;
};

// Shared-memory sizes (elements) of the three kernels for head dimension dh.
inline int64_t forward_shared(int dh) { return int64_t(kTile) * (dh + 1) + int64_t(kTile) * dh + int64_t(kWarps) * dh + kTile; }
inline int64_t dq_shared(int dh) { return 2 * int64_t(kTile) * (dh + 1) + 2 * int64_t(kWarps) * dh + kTile; }
inline int64_t dkv_shared(int dh) { return 2 * int64_t(kTile) * (dh + 1) + 2 * int64_t(kWarps) * dh + 2 * kTile; }

// Stages rows [r0, r0 + n) of a [rows, dh] matrix into a kTile-row shared tile with row stride
// ld, zeros beyond n. All threads of the block take part.
template <typename T>
__device__ __forceinline__ void stage_tile(const T* __restrict__ src, int64_t r0, int n, int dh, T* tile, int ld) {
  for (int e = threadIdx.x; e < kTile * dh; e += kAttnThreads) {
    const int r = e / dh, d = e - r * dh;
    tile[r * ld + d] = r < n ? src[(r0 + r) * dh + d] : T(0);
  }
}

template <typename T, int DPL>
__global__ void __launch_bounds__(kAttnThreads)
attention_forward_kernel(AttnShape s, const T* __restrict__ q, const T* __restrict__ k, const T* __restrict__ v,
                         const int32_t* __restrict__ mask, T scale, T* __restrict__ out, T* __restrict__ lse) {
  const int dh = s.dh, ld = dh + 1;
  T* ks = dynamic_shared<T>();     // [kTile][ld]
  T* vs = ks + kTile * ld;          // [kTile][dh]
  T* qs = vs + kTile * dh;          // [kWarps][dh]
  T* bias = qs + kWarps * dh;       // [kTile]
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int64_t bh = blockIdx.x, b = bh / s.heads;
  const int64_t i = int64_t(blockIdx.y) * kWarps + warp;
  const bool active = i < s.lq;  // uniform over the warp
  const T* kh = k + bh * s.lk * dh;
  const T* vh = v + bh * s.lk * dh;
  const int32_t* mrow = mask ? mask + b * s.lk : nullptr;
  T* qw = qs + warp * dh;
  if (active)
    for (int d = lane; d < dh; d += 32) qw[d] = q[(bh * s.lq + i) * dh + d];
  T m = neg_infinity<T>(), l = 0;
  T acc[DPL];
#pragma unroll
  for (int u = 0; u < DPL; ++u) acc[u] = T(0);

  for (int64_t j0 = 0; j0 < s.lk; j0 += kTile) {
    const int nk = int(wmin<int64_t>(kTile, s.lk - j0));
    __syncthreads();  // the previous tile is consumed (and qw is written before its first use)
    stage_tile(kh, j0, nk, dh, ks, ld);
    stage_tile(vh, j0, nk, dh, vs, dh);
    if (threadIdx.x < kTile) {
      const int j = threadIdx.x;
      bias[j] = j < nk && (mrow == nullptr || mrow[j0 + j] != 0) ? T(0) : neg_infinity<T>();
    }
    __syncthreads();
    if (!active) continue;
    T dot = 0;
    for (int d = 0; d < dh; ++d) dot += qw[d] * ks[lane * ld + d];
    const T sj = dot * scale + bias[lane];
    const T m_new = wmax(m, warp_max(sj));
    if (m_new == neg_infinity<T>()) continue;  // every key so far masked: nothing to add
    const T alpha = wexp(m - m_new);           // 0 while m was -inf
    const T p = wexp(sj - m_new);              // 0 for masked keys
    l = l * alpha + warp_sum(p);
#pragma unroll
    for (int u = 0; u < DPL; ++u) acc[u] *= alpha;
    for (int jj = 0; jj < kTile; ++jj) {
      const T pj = __shfl_sync(0xffffffffu, p, jj);
#pragma unroll
      for (int u = 0; u < DPL; ++u) {
        const int d = lane + 32 * u;
        if (d < dh) acc[u] += pj * vs[jj * dh + d];
      }
    }
    m = m_new;
  }
  if (!active) return;
  const T inv = l > T(0) ? T(1) / l : T(0);
#pragma unroll
  for (int u = 0; u < DPL; ++u) {
    const int d = lane + 32 * u;
    if (d < dh) out[(bh * s.lq + i) * dh + d] = acc[u] * inv;
  }
  if (lane == 0) lse[bh * s.lq + i] = l > T(0) ? m + wlog(l) : neg_infinity<T>();
}

// gq: a warp per query row, over key tiles.
template <typename T, int DPL>
__global__ void __launch_bounds__(kAttnThreads)
attention_dq_kernel(AttnShape s, const T* __restrict__ q, const T* __restrict__ k, const T* __restrict__ v,
                    const int32_t* __restrict__ mask, T scale, const T* __restrict__ out, const T* __restrict__ lse,
                    const T* __restrict__ gout, T* __restrict__ gq) {
  const int dh = s.dh, ld = dh + 1;
  T* ks = dynamic_shared<T>();     // [kTile][ld]
  T* vs = ks + kTile * ld;          // [kTile][ld]
  T* qs = vs + kTile * ld;          // [kWarps][dh]
  T* gs = qs + kWarps * dh;         // [kWarps][dh]
  T* bias = gs + kWarps * dh;       // [kTile]
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int64_t bh = blockIdx.x, b = bh / s.heads;
  const int64_t i = int64_t(blockIdx.y) * kWarps + warp;
  const bool active = i < s.lq;
  const T* kh = k + bh * s.lk * dh;
  const T* vh = v + bh * s.lk * dh;
  const int32_t* mrow = mask ? mask + b * s.lk : nullptr;
  T* qw = qs + warp * dh;
  T* gw = gs + warp * dh;
  T D = 0, L = neg_infinity<T>();
  if (active) {
    const int64_t row = bh * s.lq + i;
    for (int d = lane; d < dh; d += 32) {
      qw[d] = q[row * dh + d];
      gw[d] = gout[row * dh + d];
      D += gout[row * dh + d] * out[row * dh + d];
    }
    D = warp_sum(D);
    L = lse[row];
  }
  const bool any = active && L != neg_infinity<T>();  // a fully masked row has zero gradient
  T dq[DPL];
#pragma unroll
  for (int u = 0; u < DPL; ++u) dq[u] = T(0);

  for (int64_t j0 = 0; j0 < s.lk; j0 += kTile) {
    const int nk = int(wmin<int64_t>(kTile, s.lk - j0));
    __syncthreads();
    stage_tile(kh, j0, nk, dh, ks, ld);
    stage_tile(vh, j0, nk, dh, vs, ld);
    if (threadIdx.x < kTile) {
      const int j = threadIdx.x;
      bias[j] = j < nk && (mrow == nullptr || mrow[j0 + j] != 0) ? T(0) : neg_infinity<T>();
    }
    __syncthreads();
    if (!any) continue;
    T dot = 0, dp = 0;
    for (int d = 0; d < dh; ++d) {
      dot += qw[d] * ks[lane * ld + d];
      dp += gw[d] * vs[lane * ld + d];
    }
    const T p = wexp(dot * scale + bias[lane] - L);
    const T ds = p * (dp - D);
    for (int jj = 0; jj < kTile; ++jj) {
      const T dsj = __shfl_sync(0xffffffffu, ds, jj);
#pragma unroll
      for (int u = 0; u < DPL; ++u) {
        const int d = lane + 32 * u;
        if (d < dh) dq[u] += dsj * ks[jj * ld + d];
      }
    }
  }
  if (!active) return;
#pragma unroll
  for (int u = 0; u < DPL; ++u) {
    const int d = lane + 32 * u;
    if (d < dh) gq[(bh * s.lq + i) * dh + d] = dq[u] * scale;
  }
}

// gk, gv: a warp per key row, over query tiles (the tile's D_i computed in shared memory).
template <typename T, int DPL>
__global__ void __launch_bounds__(kAttnThreads)
attention_dkv_kernel(AttnShape s, const T* __restrict__ q, const T* __restrict__ k, const T* __restrict__ v,
                     const int32_t* __restrict__ mask, T scale, const T* __restrict__ out, const T* __restrict__ lse,
                     const T* __restrict__ gout, T* __restrict__ gk, T* __restrict__ gv) {
  const int dh = s.dh, ld = dh + 1;
  T* qs = dynamic_shared<T>();     // [kTile][ld]
  T* gs = qs + kTile * ld;          // [kTile][ld]
  T* kw_all = gs + kTile * ld;      // [kWarps][dh]
  T* vw_all = kw_all + kWarps * dh; // [kWarps][dh]
  T* ls = vw_all + kWarps * dh;     // [kTile]
  T* Ds = ls + kTile;               // [kTile]
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int64_t bh = blockIdx.x, b = bh / s.heads;
  const int64_t j = int64_t(blockIdx.y) * kWarps + warp;
  const bool active = j < s.lk;
  const bool key_on = active && (mask == nullptr || mask[b * s.lk + j] != 0);  // a masked key has zero gradient
  const T* qh = q + bh * s.lq * dh;
  const T* gh = gout + bh * s.lq * dh;
  const T* oh = out + bh * s.lq * dh;
  T* kw = kw_all + warp * dh;
  T* vw = vw_all + warp * dh;
  if (active)
    for (int d = lane; d < dh; d += 32) {
      kw[d] = k[(bh * s.lk + j) * dh + d];
      vw[d] = v[(bh * s.lk + j) * dh + d];
    }
  T dk[DPL], dv[DPL];
#pragma unroll
  for (int u = 0; u < DPL; ++u) dk[u] = dv[u] = T(0);

  for (int64_t i0 = 0; i0 < s.lq; i0 += kTile) {
    const int nq = int(wmin<int64_t>(kTile, s.lq - i0));
    __syncthreads();
    stage_tile(qh, i0, nq, dh, qs, ld);
    stage_tile(gh, i0, nq, dh, gs, ld);
    if (threadIdx.x < kTile) {
      const int r = threadIdx.x;
      ls[r] = r < nq ? lse[bh * s.lq + i0 + r] : neg_infinity<T>();  // padding rows: probability 0
    }
    __syncthreads();
    for (int r = warp; r < kTile; r += kWarps) {  // D_i = gout_i . out_i for the tile's rows
      T part = 0;
      if (r < nq)
        for (int d = lane; d < dh; d += 32) part += gs[r * ld + d] * oh[(i0 + r) * dh + d];
      part = warp_sum(part);
      if (lane == 0) Ds[r] = part;
    }
    __syncthreads();
    if (!key_on) continue;
    T dot = 0, dp = 0;
    for (int d = 0; d < dh; ++d) {
      dot += qs[lane * ld + d] * kw[d];
      dp += gs[lane * ld + d] * vw[d];
    }
    const T L = ls[lane];
    const T p = L == neg_infinity<T>() ? T(0) : wexp(dot * scale - L);
    const T ds = p * (dp - Ds[lane]);
    for (int r = 0; r < kTile; ++r) {
      const T pr = __shfl_sync(0xffffffffu, p, r);
      const T dsr = __shfl_sync(0xffffffffu, ds, r);
#pragma unroll
      for (int u = 0; u < DPL; ++u) {
        const int d = lane + 32 * u;
        if (d < dh) {
          dv[u] += pr * gs[r * ld + d];
          dk[u] += dsr * qs[r * ld + d];
        }
      }
    }
  }
  if (!active) return;
#pragma unroll
  for (int u = 0; u < DPL; ++u) {
    const int d = lane + 32 * u;
    if (d < dh) {
      gk[(bh * s.lk + j) * dh + d] = dk[u] * scale;
      gv[(bh * s.lk + j) * dh + d] = dv[u];
    }
  }
}

template <typename F>
void dispatch_head_dim(int64_t dh, F&& f) {
  if (dh <= 32) f(std::integral_constant<int, 1>{});
  else if (dh <= 64) f(std::integral_constant<int, 2>{});
  else if (dh <= 128) f(std::integral_constant<int, 4>{});
  else if (dh <= 256) f(std::integral_constant<int, 8>{});
  else fail("attention: head dimension " + std::to_string(dh) + " is above the CUDA kernel's maximum of 256");
}

AttnShape check_shape(const char* op, int64_t batch, int64_t heads, int64_t lq, int64_t lk, int64_t dh) {
  if (batch < 0 || heads < 0 || lq < 0 || lk < 0 || dh < 0)
    fail(std::string(op) + ": negative size (batch=" + std::to_string(batch) + ", heads=" + std::to_string(heads) +
         ", lq=" + std::to_string(lq) + ", lk=" + std::to_string(lk) + ", dh=" + std::to_string(dh) + ")");
  // (batch, head) pairs on grid.x (up to 2^31 - 1: evaluation's re-ranking fuses 4 x eval_batch
  // pairs, far above grid.y's 65,535), query or key rows on grid.y.
  if (batch * heads > int64_t(INT32_MAX))
    fail(std::string(op) + ": batch * heads = " + std::to_string(batch * heads) + " is above 2^31 - 1");
  if (ceil_div(lq > lk ? lq : lk, kWarps) > 65535)
    fail(std::string(op) + ": " + std::to_string(lq > lk ? lq : lk) + " rows are above the kernel's " +
         std::to_string(65535 * kWarps));
  return AttnShape{heads, lq, lk, int(dh)};
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_attention_forward(int32_t dtype, int64_t batch, int64_t heads, int64_t lq, int64_t lk, int64_t dh,
                                  const void* q, const void* k, const void* v, const int32_t* key_mask, double scale,
                                  void* out, void* lse, cudaStream_t stream) {
  const AttnShape s = check_shape("attention_forward", batch, heads, lq, lk, dh);
  if (batch * heads == 0 || lq == 0) return;
  dispatch_float(dtype, "attention_forward", [&](auto zero) {
    using T = decltype(zero);
    dispatch_head_dim(dh, [&](auto dpl) {
      constexpr int DPL = decltype(dpl)::value;
      const size_t bytes = sizeof(T) * forward_shared(int(dh));
      allow_shared(attention_forward_kernel<T, DPL>, bytes, "attention_forward");
      launch("attention_forward", attention_forward_kernel<T, DPL>,
             dim3(unsigned(batch * heads), unsigned(ceil_div(lq, kWarps))), kAttnThreads, bytes, stream, s,
             static_cast<const T*>(q), static_cast<const T*>(k), static_cast<const T*>(v), key_mask, T(scale),
             static_cast<T*>(out), static_cast<T*>(lse));
    });
  });
}

WP_API void wpc_attention_backward(int32_t dtype, int64_t batch, int64_t heads, int64_t lq, int64_t lk, int64_t dh,
                                   const void* q, const void* k, const void* v, const int32_t* key_mask, double scale,
                                   const void* out, const void* lse, const void* gout, void* gq, void* gk, void* gv,
                                   cudaStream_t stream) {
  const AttnShape s = check_shape("attention_backward", batch, heads, lq, lk, dh);
  if (batch * heads == 0) return;
  dispatch_float(dtype, "attention_backward", [&](auto zero) {
    using T = decltype(zero);
    dispatch_head_dim(dh, [&](auto dpl) {
      constexpr int DPL = decltype(dpl)::value;
      if (lq > 0) {
        const size_t bytes = sizeof(T) * dq_shared(int(dh));
        allow_shared(attention_dq_kernel<T, DPL>, bytes, "attention_backward");
        launch("attention_backward", attention_dq_kernel<T, DPL>,
               dim3(unsigned(batch * heads), unsigned(ceil_div(lq, kWarps))), kAttnThreads, bytes, stream, s,
               static_cast<const T*>(q), static_cast<const T*>(k), static_cast<const T*>(v), key_mask, T(scale),
               static_cast<const T*>(out), static_cast<const T*>(lse), static_cast<const T*>(gout),
               static_cast<T*>(gq));
      }
      if (lk > 0) {
        const size_t bytes = sizeof(T) * dkv_shared(int(dh));
        allow_shared(attention_dkv_kernel<T, DPL>, bytes, "attention_backward");
        launch("attention_backward", attention_dkv_kernel<T, DPL>,
               dim3(unsigned(batch * heads), unsigned(ceil_div(lk, kWarps))), kAttnThreads, bytes, stream, s,
               static_cast<const T*>(q), static_cast<const T*>(k), static_cast<const T*>(v), key_mask, T(scale),
               static_cast<const T*>(out), static_cast<const T*>(lse), static_cast<const T*>(gout),
               static_cast<T*>(gk), static_cast<T*>(gv));
      }
    });
  });
}
