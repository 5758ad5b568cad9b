// Layer normalisation over the last axis: forward with saved statistics, and its backward.
#include <algorithm>
#include <cmath>
#include <vector>
#include "kernel_util.h"
#include "wp/layernorm.h"

using namespace wp;

namespace {

// Rows [begin, end) of the forward. The hot loops live in WP_HOT functions (not in the
// parallel lambda) so that every thread runs the clone picked for this CPU: the outlined
// OpenMP region itself is compiled for the baseline architecture only.
template <typename T, bool HasGamma, bool HasBeta>
WP_HOT void forward_rows(int64_t begin, int64_t end, int64_t cols, const T* x, const T* gamma, const T* beta,
                         double eps, T* y, T* mean, T* rstd) {
  const double inv_cols = 1.0 / double(cols);
  for (int64_t r = begin; r < end; ++r) {
    const T* xr = x + r * cols;
    T* yr = y + r * cols;
    // Both moments in one pass, in double, shifted by the row's first element: the shift keeps
    // E[d^2] - E[d]^2 from cancelling when |mean| is large against the standard deviation.
    const double shift = double(xr[0]);
    double s1 = 0, s2 = 0;
#pragma omp simd reduction(+ : s1, s2)
    for (int64_t c = 0; c < cols; ++c) {
      const double d = double(xr[c]) - shift;
      s1 += d;
      s2 += d * d;
    }
    const double m = s1 * inv_cols;
    const double var = std::max(s2 * inv_cols - m * m, 0.0);
    const double mu = shift + m;
    const double rs = 1.0 / std::sqrt(var + eps);
    mean[r] = T(mu);
    rstd[r] = T(rs);
    // Centre in double: a float mean rounded to float would cost precision when |mean| >> std.
#pragma omp simd
    for (int64_t c = 0; c < cols; ++c) {
      T v = T((double(xr[c]) - mu) * rs);
      if constexpr (HasGamma) v *= gamma[c];
      if constexpr (HasBeta) v += beta[c];
      yr[c] = v;
    }
  }
}

// Rows [begin, end) of the backward. With xhat = (x - mean) * rstd and g = gy * gamma:
//   gx = rstd * (g - mean(g) - xhat * mean(g * xhat)),
// and this chunk's share of ggamma = sum gy * xhat and gbeta = sum gy is added to the
// thread's own partial rows pg, pb (double), reduced over threads afterwards.
template <typename T, bool HasGamma, bool WantParams>
WP_HOT void backward_rows(int64_t begin, int64_t end, int64_t cols, const T* x, const T* gamma, const T* mean,
                          const T* rstd, const T* gy, T* gx, double* pg, double* pb) {
  const double inv_cols = 1.0 / double(cols);
  for (int64_t r = begin; r < end; ++r) {
    const T* xr = x + r * cols;
    const T* gyr = gy + r * cols;
    const double mu = double(mean[r]), rs = double(rstd[r]);
    double a1 = 0, a2 = 0;
#pragma omp simd reduction(+ : a1, a2)
    for (int64_t c = 0; c < cols; ++c) {
      const double xhat = (double(xr[c]) - mu) * rs;
      const double g0 = double(gyr[c]);
      double g = g0;
      if constexpr (HasGamma) g *= double(gamma[c]);
      a1 += g;
      a2 += g * xhat;
      if constexpr (WantParams) {
        pg[c] += g0 * xhat;
        pb[c] += g0;
      }
    }
    if (gx == nullptr) continue;
    T* gxr = gx + r * cols;
    const double k1 = a1 * inv_cols, k2 = a2 * inv_cols;
#pragma omp simd
    for (int64_t c = 0; c < cols; ++c) {
      const double xhat = (double(xr[c]) - mu) * rs;
      double g = double(gyr[c]);
      if constexpr (HasGamma) g *= double(gamma[c]);
      gxr[c] = T(rs * (g - k1 - xhat * k2));
    }
  }
}

template <typename T>
void forward(int64_t rows, int64_t cols, const T* x, const T* gamma, const T* beta, double eps, T* y, T* mean,
             T* rstd) {
  parallel_chunks(rows, cols * 4, [&](int64_t b, int64_t e) {
    if (gamma && beta) forward_rows<T, true, true>(b, e, cols, x, gamma, beta, eps, y, mean, rstd);
    else if (gamma) forward_rows<T, true, false>(b, e, cols, x, gamma, beta, eps, y, mean, rstd);
    else if (beta) forward_rows<T, false, true>(b, e, cols, x, gamma, beta, eps, y, mean, rstd);
    else forward_rows<T, false, false>(b, e, cols, x, gamma, beta, eps, y, mean, rstd);
  });
}

template <typename T>
void backward(int64_t rows, int64_t cols, const T* x, const T* gamma, const T* mean, const T* rstd, const T* gy,
              T* gx, T* ggamma, T* gbeta) {
  const bool want_params = ggamma != nullptr || gbeta != nullptr;
  // One padded [2, cols] block of partial sums per thread (padding keeps blocks on their own
  // cache lines); a thread only touches its own block, so no atomics are needed.
  const int64_t stride = (2 * cols + 7) / 8 * 8;
  const int threads = omp_get_max_threads();
  std::vector<double> partial(want_params ? size_t(threads) * size_t(stride) : 0, 0.0);
  parallel_chunks(rows, cols * 8, [&](int64_t b, int64_t e) {
    double* pg = want_params ? partial.data() + int64_t(omp_get_thread_num()) * stride : nullptr;
    double* pb = want_params ? pg + cols : nullptr;
    if (gamma && want_params) backward_rows<T, true, true>(b, e, cols, x, gamma, mean, rstd, gy, gx, pg, pb);
    else if (gamma) backward_rows<T, true, false>(b, e, cols, x, gamma, mean, rstd, gy, gx, pg, pb);
    else if (want_params) backward_rows<T, false, true>(b, e, cols, x, gamma, mean, rstd, gy, gx, pg, pb);
    else backward_rows<T, false, false>(b, e, cols, x, gamma, mean, rstd, gy, gx, pg, pb);
  });
  if (!want_params) return;
  for (int64_t c = 0; c < cols; ++c) {
    double sg = 0, sb = 0;
    for (int t = 0; t < threads; ++t) {
      sg += partial[size_t(t) * stride + c];
      sb += partial[size_t(t) * stride + cols + c];
    }
    if (ggamma) ggamma[c] = T(sg);
    if (gbeta) gbeta[c] = T(sb);
  }
}

void check_sizes(const char* op, int64_t rows, int64_t cols, double eps) {
  if (rows < 0 || cols < 1)
    fail(std::string(op) + ": need rows >= 0 and cols >= 1, got rows=" + std::to_string(rows) + " cols=" +
         std::to_string(cols));
  if (!(eps >= 0)) fail(std::string(op) + ": eps must be >= 0, got " + std::to_string(eps));
}

}  // namespace

WP_API void wp_layernorm_forward(int32_t dtype, int64_t rows, int64_t cols, const void* x, const void* gamma,
                                 const void* beta, double eps, void* y, void* mean, void* rstd) {
  check_sizes("layernorm_forward", rows, cols, eps);
  dispatch_float(dtype, "layernorm_forward", [&](auto zero) {
    using T = decltype(zero);
    forward<T>(rows, cols, static_cast<const T*>(x), static_cast<const T*>(gamma), static_cast<const T*>(beta), eps,
               static_cast<T*>(y), static_cast<T*>(mean), static_cast<T*>(rstd));
  });
}

WP_API void wp_layernorm_backward(int32_t dtype, int64_t rows, int64_t cols, const void* x, const void* gamma,
                                  const void* mean, const void* rstd, const void* gy, void* gx, void* ggamma,
                                  void* gbeta) {
  check_sizes("layernorm_backward", rows, cols, 0.0);
  dispatch_float(dtype, "layernorm_backward", [&](auto zero) {
    using T = decltype(zero);
    backward<T>(rows, cols, static_cast<const T*>(x), static_cast<const T*>(gamma), static_cast<const T*>(mean),
                static_cast<const T*>(rstd), static_cast<const T*>(gy), static_cast<T*>(gx), static_cast<T*>(ggamma),
                static_cast<T*>(gbeta));
  });
}
