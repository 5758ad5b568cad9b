// Pieces shared by the method kernels (similarity, uncertainty, contrastive, mining).
#pragma once
#include <cblas.h>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include "kernel_util.h"
#include "wp/similarity.h"

namespace wp {
// Internal linkage: the WP_HOT clones of these templates must not collide between the
// translation units that include this header.
namespace {

// C = alpha * op(A) op(B) + beta * C, row-major, through OpenBLAS.
template <typename T>
inline void blas_gemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
                      const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if (m <= 0 || n <= 0) return;
  const auto opa = ta ? CblasTrans : CblasNoTrans;
  const auto opb = tb ? CblasTrans : CblasNoTrans;
  if constexpr (sizeof(T) == 4) {
    cblas_sgemm(CblasRowMajor, opa, opb, (blasint)m, (blasint)n, (blasint)k, alpha, a, (blasint)lda, b, (blasint)ldb,
                beta, c, (blasint)ldc);
  } else {
    cblas_dgemm(CblasRowMajor, opa, opb, (blasint)m, (blasint)n, (blasint)k, alpha, a, (blasint)lda, b, (blasint)ldb,
                beta, c, (blasint)ldc);
  }
}

// Reductions written with explicit lanes: GCC vectorises the lane loop (a fixed trip count)
// without -ffast-math, which it would not do for a plain `acc += ...` over floats; the
// partial sums also lose less precision. Chunks of kChunk elements are summed in T and the
// chunk totals in double.
template <typename T>
constexpr int kLanes = 64 / int(sizeof(T));

template <typename T, typename Fn>
inline double lane_sum(int64_t n, Fn&& f) {
  constexpr int L = kLanes<T>;
  constexpr int64_t kChunk = 1024;
  double total = 0;
  for (int64_t c0 = 0; c0 < n; c0 += kChunk) {
    const int64_t c1 = std::min(n, c0 + kChunk);
    T lanes[L] = {};
    int64_t j = c0;
    for (; j + L <= c1; j += L)
      for (int t = 0; t < L; ++t) lanes[t] += f(j + t);
    T tail = 0;
    for (; j < c1; ++j) tail += f(j);
    T s = tail;
    for (int t = 0; t < L; ++t) s += lanes[t];
    total += double(s);
  }
  return total;
}

template <typename T>
inline T lane_max(int64_t n, const T* x) {
  constexpr int L = kLanes<T>;
  T m = x[0];
  int64_t j = 0;
  if (n >= L) {
    T lanes[L];
    for (int t = 0; t < L; ++t) lanes[t] = x[t];
    for (j = L; j + L <= n; j += L)
      for (int t = 0; t < L; ++t) lanes[t] = x[j + t] > lanes[t] ? x[j + t] : lanes[t];
    for (int t = 0; t < L; ++t) m = lanes[t] > m ? lanes[t] : m;
  }
  for (; j < n; ++j) m = x[j] > m ? x[j] : m;
  return m;
}

// unit = x / max(||x||, eps) per row for rows [b, e); den[r] = max(||x_r||, eps).
template <typename T>
WP_HOT void normalize_row_range(int64_t b, int64_t e, int64_t dim, const T* x, T* unit, T* den) {
  for (int64_t r = b; r < e; ++r) {
    const T* xr = x + r * dim;
    const double ss = lane_sum<T>(dim, [xr](int64_t k) { return xr[k] * xr[k]; });
    const double d = std::max(std::sqrt(ss), WP_SIMILARITY_EPS);
    den[r] = T(d);
    const T inv = T(1.0 / d);
    T* ur = unit + r * dim;
    for (int64_t k = 0; k < dim; ++k) ur[k] = xr[k] * inv;
  }
}

template <typename T>
void normalize_rows(int64_t rows, int64_t dim, const T* x, T* unit, T* den) {
  parallel_chunks(rows, dim, [&](int64_t b, int64_t e) { normalize_row_range(b, e, dim, x, unit, den); });
}

// The backward of normalize_rows, docs/method.md section 3 form: gx = (gu - u (u . gu)) / den; gx may alias gu.
template <typename T>
WP_HOT void normalize_backward_range(int64_t b, int64_t e, int64_t dim, const T* unit, const T* den, const T* gu,
                                     T* gx) {
  for (int64_t r = b; r < e; ++r) {
    const T* ur = unit + r * dim;
    const T* gr = gu + r * dim;
    const double dot = lane_sum<T>(dim, [ur, gr](int64_t k) { return ur[k] * gr[k]; });
    const T inv = T(1.0 / double(den[r]));
    const T d = T(dot);
    T* xr = gx + r * dim;
    for (int64_t k = 0; k < dim; ++k) xr[k] = (gr[k] - ur[k] * d) * inv;
  }
}

template <typename T>
void normalize_rows_backward(int64_t rows, int64_t dim, const T* unit, const T* den, const T* gu, T* gx) {
  parallel_chunks(rows, dim, [&](int64_t b, int64_t e) { normalize_backward_range(b, e, dim, unit, den, gu, gx); });
}

}  // namespace
}  // namespace wp
