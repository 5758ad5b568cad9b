// Fused scaled dot-product attention: forward and backward without the [Lq, Lk] matrix.
//
// Work items are (batch*head, group of query tiles); one group per head unless there are too
// few heads to occupy the threads. Scores are handled transposed, one tile S^T [keys, queries]
// at a time, with the queries of a tile along the vector dimension: then the per-query softmax
// bookkeeping (running maximum, sums, rescaling) is plain vertical vector arithmetic, and every
// product is a register-blocked tile_gemm (tile_gemm.h) over rows of K, V, Q or dO as stored,
// plus Q^T (and dO^T) packed once per query tile.
//
// Forward, per tile of kBlockQ queries, over key tiles of kBlockK: S^T = scale k q^T + bias;
// keep per query the running maximum m and sum l of exp(S - m), rescale the output
// accumulator when m grows, add P v. At the end out = acc / l and lse = m + log l.
//
// Backward, per query tile, over key tiles: recompute S^T and P^T = exp(S^T - lse), then
//   dP^T = v dO^T,  dS^T = P^T * (dP^T - rowsum(dO * O)),
//   dV += P^T dO,  dQ += scale dS k,  dK += scale dS^T q.
// dQ rows belong to one item. dK and dV of a head are summed in place when the head is one
// item, else in per-group partials added up after the parallel loop.
//
// Masked keys get bias -inf, so their P is exactly 0. Queries whose keys are all masked: the
// forward never raises m above -inf, so l = 0 and the row gets out 0 and lse -inf; the
// backward shifts such rows by +inf, so P = 0 and every gradient they would feed is 0.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include "kernel_util.h"
#include "simd.h"
#include "tile_gemm.h"
#include "fast_exp.h"
#include "wp/attention.h"

using namespace wp;

namespace {

constexpr int64_t kBlockQ = 64;    // queries per tile (the row stride of transposed score tiles)
constexpr int64_t kBlockK = 64;    // keys per tile
constexpr int64_t kQueryPad = 16;  // a tile's queries are padded to a multiple of this (whole vectors)

template <typename T>
constexpr T kNegInf = -std::numeric_limits<T>::infinity();

WP_INLINE int64_t round_up(int64_t n, int64_t m) { return (n + m - 1) / m * m; }

// One call's tensors and sizes (all contiguous [B, H, L, Dh]; lse [B, H, Lq]).
template <typename T>
struct Problem {
  int64_t batch, heads, lq, lk, dh;
  const T *q, *k, *v;
  const int32_t* mask;  // [B, Lk] or null
  T scale;
  T *out, *lse;          // forward outputs; backward inputs
  const T* gout;         // backward only
  T *gq, *gk, *gv;       // backward only
};

// Consecutive 64-byte aligned arrays carved out of one scratch block.
template <typename T>
struct Carver {
  char* at;
  T* take(int64_t n) {
    T* p = reinterpret_cast<T*>(at);
    at += round_up(n * int64_t(sizeof(T)), 64);
    return p;
  }
  static int64_t bytes(std::initializer_list<int64_t> sizes) {
    int64_t total = 64;
    for (int64_t n : sizes) total += round_up(n * int64_t(sizeof(T)), 64);
    return total;
  }
};

// ---------------------------------------------------------------------------- shared steps

// dst[x * kBlockQ + i] = src[i * dh + x] for i < n, zero for n <= i < npad.
template <typename T>
WP_INLINE void pack_transposed(int64_t n, int64_t npad, int64_t dh, const T* __restrict src, T* __restrict dst) {
  for (int64_t i = 0; i < n; ++i)
    for (int64_t x = 0; x < dh; ++x) dst[x * kBlockQ + i] = src[i * dh + x];
  for (int64_t x = 0; x < dh; ++x)
    for (int64_t i = n; i < npad; ++i) dst[x * kBlockQ + i] = T(0);
}

// bias[j] = 0 where key j takes part, -inf where it is masked.
template <typename T>
WP_INLINE void key_bias(const int32_t* mask, int64_t lk, T* bias) {
  for (int64_t j = 0; j < lk; ++j) bias[j] = mask == nullptr || mask[j] != 0 ? T(0) : kNegInf<T>;
}

template <typename T>
WP_INLINE bool any_key(const T* bias, int64_t n) {
  for (int64_t j = 0; j < n; ++j)
    if (bias[j] == T(0)) return true;
  return false;
}

// ---------------------------------------------------------------------------- forward

template <typename T>
struct ForwardScratch {
  T *qt, *bias, *st, *acc, *m, *l, *mu, *alpha, *mx, *sum;
  static int64_t bytes(const Problem<T>& p) {
    return Carver<T>::bytes({p.dh * kBlockQ, p.lk, kBlockK * kBlockQ, kBlockQ * p.dh, kBlockQ, kBlockQ, kBlockQ,
                             kBlockQ, kBlockQ, kBlockQ});
  }
  ForwardScratch(void* mem, const Problem<T>& p) {
    Carver<T> c{static_cast<char*>(mem)};
    qt = c.take(p.dh * kBlockQ);
    bias = c.take(p.lk);
    st = c.take(kBlockK * kBlockQ);
    acc = c.take(kBlockQ * p.dh);
    m = c.take(kBlockQ);
    l = c.take(kBlockQ);
    mu = c.take(kBlockQ);
    alpha = c.take(kBlockQ);
    mx = c.take(kBlockQ);
    sum = c.take(kBlockQ);
  }
};

// Query tiles [tile_begin, tile_end) of head bh.
template <typename T, int VB>
WP_INLINE void forward_impl(const Problem<T>& p, int64_t bh, int64_t tile_begin, int64_t tile_end, void* scratch) {
  ForwardScratch<T> w(scratch, p);
  const int64_t dh = p.dh;
  const T scale = p.scale;
  const T* kh = p.k + bh * p.lk * dh;
  const T* vh = p.v + bh * p.lk * dh;
  key_bias(p.mask ? p.mask + (bh / p.heads) * p.lk : nullptr, p.lk, w.bias);

  for (int64_t tile = tile_begin; tile < tile_end; ++tile) {
    const int64_t i0 = tile * kBlockQ;
    const int64_t nq = std::min(kBlockQ, p.lq - i0);
    const int64_t nqp = round_up(nq, kQueryPad);
    pack_transposed(nq, nqp, dh, p.q + (bh * p.lq + i0) * dh, w.qt);
    for (int64_t x = 0; x < nq * dh; ++x) w.acc[x] = T(0);
    for (int64_t i = 0; i < nqp; ++i) {
      w.m[i] = kNegInf<T>;
      w.l[i] = T(0);
    }

    for (int64_t j0 = 0; j0 < p.lk; j0 += kBlockK) {
      const int64_t nk = std::min(kBlockK, p.lk - j0);
      const T* bias = w.bias + j0;
      if (!any_key(bias, nk)) continue;
      tile_gemm<T, VB, false>(nk, nqp, dh, kh + j0 * dh, dh, 1, w.qt, kBlockQ, w.st, kBlockQ);

      // Online softmax, one query per vector lane: scores, their maximum, exp(S - m_new) and
      // the factor exp(m_old - m_new) for what was accumulated before.
      for (int64_t i = 0; i < nqp; ++i) w.mx[i] = kNegInf<T>;
      for (int64_t j = 0; j < nk; ++j) {
        const T b = bias[j];
        T* row = w.st + j * kBlockQ;
        for (int64_t i = 0; i < nqp; ++i) {
          const T x = scale * row[i] + b;
          row[i] = x;
          w.mx[i] = x > w.mx[i] ? x : w.mx[i];
        }
      }
      for (int64_t i = 0; i < nqp; ++i) {
        const T m_new = w.mx[i] > w.m[i] ? w.mx[i] : w.m[i];
        // While a query has seen no finite score, shift by 0: its terms are exp(-inf) = 0.
        const T mu = m_new == kNegInf<T> ? T(0) : m_new;
        w.alpha[i] = fast_exp(w.m[i] - mu);  // 0 while m_old = -inf
        w.mu[i] = mu;
        w.m[i] = m_new;
        w.sum[i] = T(0);
      }
      for (int64_t j = 0; j < nk; ++j) {
        T* row = w.st + j * kBlockQ;
        for (int64_t i = 0; i < nqp; ++i) {
          const T e = fast_exp(row[i] - w.mu[i]);
          row[i] = e;
          w.sum[i] += e;
        }
      }
      for (int64_t i = 0; i < nqp; ++i) w.l[i] = w.l[i] * w.alpha[i] + w.sum[i];
      for (int64_t i = 0; i < nq; ++i) {
        const T a = w.alpha[i];
        if (a == T(1)) continue;
        T* ai = w.acc + i * dh;
        for (int64_t x = 0; x < dh; ++x) ai[x] *= a;
      }
      // acc += P v, P read from the transposed tile: P(i, j) = st[j * kBlockQ + i].
      tile_gemm<T, VB, true>(nq, dh, nk, w.st, 1, kBlockQ, vh + j0 * dh, dh, w.acc, dh);
    }

    T* ot = p.out + (bh * p.lq + i0) * dh;
    T* lt = p.lse + bh * p.lq + i0;
    for (int64_t i = 0; i < nq; ++i) {
      const T li = w.l[i];
      const T inv = li > T(0) ? T(1) / li : T(0);
      const T* ai = w.acc + i * dh;
      T* oi = ot + i * dh;
      for (int64_t x = 0; x < dh; ++x) oi[x] = ai[x] * inv;
      lt[i] = li > T(0) ? w.m[i] + std::log(li) : kNegInf<T>;
    }
  }
}

// ---------------------------------------------------------------------------- backward

template <typename T>
struct BackwardScratch {
  T *qt, *gt, *bias, *pt, *dst, *di, *shift;
  static int64_t bytes(const Problem<T>& p) {
    return Carver<T>::bytes({p.dh * kBlockQ, p.dh * kBlockQ, p.lk, kBlockK * kBlockQ, kBlockK * kBlockQ, kBlockQ,
                             kBlockQ});
  }
  BackwardScratch(void* mem, const Problem<T>& p) {
    Carver<T> c{static_cast<char*>(mem)};
    qt = c.take(p.dh * kBlockQ);
    gt = c.take(p.dh * kBlockQ);
    bias = c.take(p.lk);
    pt = c.take(kBlockK * kBlockQ);
    dst = c.take(kBlockK * kBlockQ);
    di = c.take(kBlockQ);
    shift = c.take(kBlockQ);
  }
};

// Query tiles [tile_begin, tile_end) of head bh. Writes dQ of those rows (scaled); adds the
// unscaled dS^T q and P^T dO of those rows into dk and dv ([Lk, Dh], zeroed by this call).
template <typename T, int VB>
WP_INLINE void backward_impl(const Problem<T>& p, int64_t bh, int64_t tile_begin, int64_t tile_end, T* dk, T* dv,
                             void* scratch) {
  BackwardScratch<T> w(scratch, p);
  const int64_t dh = p.dh;
  const T scale = p.scale;
  const T* kh = p.k + bh * p.lk * dh;
  const T* vh = p.v + bh * p.lk * dh;
  key_bias(p.mask ? p.mask + (bh / p.heads) * p.lk : nullptr, p.lk, w.bias);
  for (int64_t x = 0; x < p.lk * dh; ++x) dk[x] = dv[x] = T(0);

  for (int64_t tile = tile_begin; tile < tile_end; ++tile) {
    const int64_t i0 = tile * kBlockQ;
    const int64_t nq = std::min(kBlockQ, p.lq - i0);
    const int64_t nqp = round_up(nq, kQueryPad);
    const int64_t row0 = bh * p.lq + i0;
    const T* qrows = p.q + row0 * dh;
    const T* grows = p.gout + row0 * dh;
    const T* orows = p.out + row0 * dh;
    T* dq = p.gq + row0 * dh;
    pack_transposed(nq, nqp, dh, qrows, w.qt);
    pack_transposed(nq, nqp, dh, grows, w.gt);
    for (int64_t i = 0; i < nqp; ++i) {
      // rowsum(dO * O), the softmax backward's per-query term; padding queries get P = 0.
      T acc = 0;
      if (i < nq) {
#pragma omp simd reduction(+ : acc)
        for (int64_t x = 0; x < dh; ++x) acc += grows[i * dh + x] * orows[i * dh + x];
      }
      w.di[i] = acc;
      const T l = i < nq ? p.lse[row0 + i] : kNegInf<T>;
      w.shift[i] = l == kNegInf<T> ? -kNegInf<T> : l;  // +inf zeroes a query without keys
    }
    for (int64_t x = 0; x < nq * dh; ++x) dq[x] = T(0);

    for (int64_t j0 = 0; j0 < p.lk; j0 += kBlockK) {
      const int64_t nk = std::min(kBlockK, p.lk - j0);
      const T* bias = w.bias + j0;
      if (!any_key(bias, nk)) continue;
      // P^T, recomputed exactly as the forward computed its scores.
      tile_gemm<T, VB, false>(nk, nqp, dh, kh + j0 * dh, dh, 1, w.qt, kBlockQ, w.pt, kBlockQ);
      for (int64_t j = 0; j < nk; ++j) {
        const T b = bias[j];
        T* row = w.pt + j * kBlockQ;
        for (int64_t i = 0; i < nqp; ++i) {
          const T x = scale * row[i] + b;
          row[i] = fast_exp(x - w.shift[i]);
        }
      }
      // dS^T = P^T * (v dO^T - D)
      tile_gemm<T, VB, false>(nk, nqp, dh, vh + j0 * dh, dh, 1, w.gt, kBlockQ, w.dst, kBlockQ);
      for (int64_t j = 0; j < nk; ++j) {
        const T* prow = w.pt + j * kBlockQ;
        T* srow = w.dst + j * kBlockQ;
        for (int64_t i = 0; i < nqp; ++i) srow[i] = prow[i] * (srow[i] - w.di[i]);
      }
      tile_gemm<T, VB, true>(nk, dh, nq, w.pt, kBlockQ, 1, grows, dh, dv + j0 * dh, dh);    // dV += P^T dO
      tile_gemm<T, VB, true>(nq, dh, nk, w.dst, 1, kBlockQ, kh + j0 * dh, dh, dq, dh);     // dQ += dS k
      tile_gemm<T, VB, true>(nk, dh, nq, w.dst, kBlockQ, 1, qrows, dh, dk + j0 * dh, dh);  // dK += dS^T q
    }
    for (int64_t x = 0; x < nq * dh; ++x) dq[x] *= scale;
  }
}

// ---------------------------------------------------------------------------- ISA entry points

template <typename T>
using ForwardFn = void (*)(const Problem<T>&, int64_t, int64_t, int64_t, void*);
template <typename T>
using BackwardFn = void (*)(const Problem<T>&, int64_t, int64_t, int64_t, T*, T*, void*);

template <typename T>
WP_TARGET_V4 void forward_v4(const Problem<T>& p, int64_t bh, int64_t t0, int64_t t1, void* s) {
  forward_impl<T, 64>(p, bh, t0, t1, s);
}
template <typename T>
WP_TARGET_V3 void forward_v3(const Problem<T>& p, int64_t bh, int64_t t0, int64_t t1, void* s) {
  forward_impl<T, 32>(p, bh, t0, t1, s);
}
template <typename T>
void forward_base(const Problem<T>& p, int64_t bh, int64_t t0, int64_t t1, void* s) {
  forward_impl<T, 16>(p, bh, t0, t1, s);
}
template <typename T>
WP_TARGET_V4 void backward_v4(const Problem<T>& p, int64_t bh, int64_t t0, int64_t t1, T* dk, T* dv, void* s) {
  backward_impl<T, 64>(p, bh, t0, t1, dk, dv, s);
}
template <typename T>
WP_TARGET_V3 void backward_v3(const Problem<T>& p, int64_t bh, int64_t t0, int64_t t1, T* dk, T* dv, void* s) {
  backward_impl<T, 32>(p, bh, t0, t1, dk, dv, s);
}
template <typename T>
void backward_base(const Problem<T>& p, int64_t bh, int64_t t0, int64_t t1, T* dk, T* dv, void* s) {
  backward_impl<T, 16>(p, bh, t0, t1, dk, dv, s);
}

template <typename T>
ForwardFn<T> forward_for_cpu() {
  switch (simd::isa()) {
    case simd::Isa::kV4: return forward_v4<T>;
    case simd::Isa::kV3: return forward_v3<T>;
    default: return forward_base<T>;
  }
}
template <typename T>
BackwardFn<T> backward_for_cpu() {
  switch (simd::isa()) {
    case simd::Isa::kV4: return backward_v4<T>;
    case simd::Isa::kV3: return backward_v3<T>;
    default: return backward_base<T>;
  }
}

// ---------------------------------------------------------------------------- drivers

// Runs body(item, scratch) for item in [0, items) over the OpenMP threads with dynamic
// scheduling (items differ in cost when keys are masked), each thread with its own scratch.
// Nothing may throw inside the parallel region (that would terminate the JVM), so a failed
// scratch allocation is only noted there and reported after it.
template <typename Body>
void parallel_items(int64_t items, double flops, int64_t scratch_bytes, Body&& body) {
  if (items <= 0) return;
  const bool parallel = omp_get_max_threads() > 1 && items > 1 && flops > 1e6;
  const size_t bytes = size_t(round_up(scratch_bytes, 64));
  bool failed = false;
#pragma omp parallel if (parallel)
  {
    void* scratch = std::aligned_alloc(64, bytes);
    if (scratch == nullptr) {
#pragma omp atomic write
      failed = true;
    }
#pragma omp for schedule(dynamic, 1)
    for (int64_t it = 0; it < items; ++it)
      if (scratch != nullptr) body(it, scratch);
    std::free(scratch);
  }
  if (failed) fail("attention: cannot allocate " + std::to_string(bytes) + " bytes of scratch per thread");
}

// Query-tile groups per head: one, unless the heads alone give under two items per thread.
int64_t groups_per_head(int64_t heads, int64_t q_tiles) {
  const int64_t threads = omp_get_max_threads();
  return std::max<int64_t>(1, std::min(q_tiles, (2 * threads + heads - 1) / heads));
}

template <typename T>
void attention_forward(const Problem<T>& p) {
  const int64_t heads = p.batch * p.heads;
  const int64_t q_tiles = (p.lq + kBlockQ - 1) / kBlockQ;
  if (heads == 0 || q_tiles == 0) return;
  const int64_t groups = groups_per_head(heads, q_tiles);
  const ForwardFn<T> run = forward_for_cpu<T>();
  const double flops = 4.0 * double(heads) * double(p.lq) * double(p.lk) * double(p.dh);
  parallel_items(heads * groups, flops, ForwardScratch<T>::bytes(p), [&](int64_t item, void* scratch) {
    const int64_t bh = item / groups, g = item % groups;
    run(p, bh, g * q_tiles / groups, (g + 1) * q_tiles / groups, scratch);
  });
}

// out[x] = factor * sum_g parts[g * stride + x] for x in [begin, end).
template <typename T>
WP_HOT void sum_groups(int64_t begin, int64_t end, int64_t groups, int64_t stride, const T* parts, T factor, T* out) {
  for (int64_t x = begin; x < end; ++x) out[x] = parts[x];
  for (int64_t g = 1; g < groups; ++g) {
    const T* pg = parts + g * stride;
    for (int64_t x = begin; x < end; ++x) out[x] += pg[x];
  }
  for (int64_t x = begin; x < end; ++x) out[x] *= factor;
}

template <typename T>
WP_HOT void scale_rows(int64_t n, T factor, T* x) {
  for (int64_t i = 0; i < n; ++i) x[i] *= factor;
}

template <typename T>
void attention_backward(const Problem<T>& p) {
  const int64_t heads = p.batch * p.heads;
  const int64_t q_tiles = (p.lq + kBlockQ - 1) / kBlockQ;
  const int64_t kv_elems = p.lk * p.dh;  // one head of K (or V)
  if (heads == 0) return;
  if (q_tiles == 0) {  // no queries: nothing flows back to the keys and values
    for (int64_t x = 0; x < heads * kv_elems; ++x) p.gk[x] = p.gv[x] = T(0);
    return;
  }
  const int64_t groups = groups_per_head(heads, q_tiles);
  // Several groups per head: each adds into its own dK/dV partials, summed at the end.
  std::unique_ptr<T[]> partials;
  if (groups > 1) partials.reset(new T[size_t(2 * heads * groups * kv_elems)]);
  const BackwardFn<T> run = backward_for_cpu<T>();
  const double flops = 10.0 * double(heads) * double(p.lq) * double(p.lk) * double(p.dh);
  parallel_items(heads * groups, flops, BackwardScratch<T>::bytes(p), [&](int64_t item, void* scratch) {
    const int64_t bh = item / groups, g = item % groups;
    T* dk = groups > 1 ? partials.get() + (bh * groups + g) * kv_elems : p.gk + bh * kv_elems;
    T* dv = groups > 1 ? partials.get() + ((heads + bh) * groups + g) * kv_elems : p.gv + bh * kv_elems;
    run(p, bh, g * q_tiles / groups, (g + 1) * q_tiles / groups, dk, dv, scratch);
    if (groups == 1) scale_rows<T>(kv_elems, p.scale, dk);  // while it is still in cache
  });
  if (groups == 1) return;

  const T scale = p.scale;
  // Head bh's partials of group g start at (bh * groups + g) * kv_elems (dK) and
  // ((heads + bh) * groups + g) * kv_elems (dV).
  parallel_chunks(heads, groups * kv_elems, [&](int64_t b, int64_t e) {
    for (int64_t bh = b; bh < e; ++bh) {
      sum_groups<T>(0, kv_elems, groups, kv_elems, partials.get() + bh * groups * kv_elems, scale,
                    p.gk + bh * kv_elems);
      sum_groups<T>(0, kv_elems, groups, kv_elems, partials.get() + (heads + bh) * groups * kv_elems, T(1),
                    p.gv + bh * kv_elems);
    }
  });
}

void check_sizes(const char* op, int64_t batch, int64_t heads, int64_t lq, int64_t lk, int64_t dh) {
  if (batch < 0 || heads < 0 || lq < 0 || lk < 0 || dh < 1)
    fail(std::string(op) + ": invalid sizes batch=" + std::to_string(batch) + " heads=" + std::to_string(heads) +
         " lq=" + std::to_string(lq) + " lk=" + std::to_string(lk) + " dh=" + std::to_string(dh));
}

}  // namespace

WP_API void wp_attention_forward(int32_t dtype, int64_t batch, int64_t heads, int64_t lq, int64_t lk, int64_t dh,
                                 const void* q, const void* k, const void* v, const int32_t* key_mask, double scale,
                                 void* out, void* lse) {
  check_sizes("attention_forward", batch, heads, lq, lk, dh);
  dispatch_float(dtype, "attention_forward", [&](auto zero) {
    using T = decltype(zero);
    Problem<T> p{batch, heads, lq, lk, dh, static_cast<const T*>(q), static_cast<const T*>(k),
                 static_cast<const T*>(v), key_mask, T(scale), static_cast<T*>(out), static_cast<T*>(lse),
                 nullptr, nullptr, nullptr, nullptr};
    attention_forward(p);
  });
}

WP_API void wp_attention_backward(int32_t dtype, int64_t batch, int64_t heads, int64_t lq, int64_t lk, int64_t dh,
                                  const void* q, const void* k, const void* v, const int32_t* key_mask, double scale,
                                  const void* out, const void* lse, const void* gout, void* gq, void* gk, void* gv) {
  check_sizes("attention_backward", batch, heads, lq, lk, dh);
  dispatch_float(dtype, "attention_backward", [&](auto zero) {
    using T = decltype(zero);
    // The forward outputs are only read; Problem keeps one non-const pointer type for both passes.
    Problem<T> p{batch, heads, lq, lk, dh, static_cast<const T*>(q), static_cast<const T*>(k),
                 static_cast<const T*>(v), key_mask, T(scale), const_cast<T*>(static_cast<const T*>(out)),
                 const_cast<T*>(static_cast<const T*>(lse)), static_cast<const T*>(gout), static_cast<T*>(gq),
                 static_cast<T*>(gk), static_cast<T*>(gv)};
    attention_backward(p);
  });
}
