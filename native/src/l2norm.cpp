// Row-wise L2 normalisation with a clamped norm, and its gradient.
#include <cmath>
#include "kernel_util.h"
#include "wp/l2norm.h"

using namespace wp;

namespace {

template <typename T>
WP_HOT void forward_rows(int64_t begin, int64_t end, int64_t cols, const T* x, T* y, T* norms, double eps) {
  for (int64_t r = begin; r < end; ++r) {
    const T* xr = x + r * cols;
    T* yr = y + r * cols;
    double ss = 0;
#pragma omp simd reduction(+ : ss)
    for (int64_t c = 0; c < cols; ++c) ss += double(xr[c]) * double(xr[c]);
    const double norm = std::sqrt(ss);
    norms[r] = T(norm);
    const double denom = norm > eps ? norm : eps;
#pragma omp simd
    for (int64_t c = 0; c < cols; ++c) yr[c] = T(double(xr[c]) / denom);
  }
}

template <typename T>
WP_HOT void backward_rows(int64_t begin, int64_t end, int64_t cols, const T* y, const T* norms, const T* gy, T* gx,
                          double eps) {
  for (int64_t r = begin; r < end; ++r) {
    const T* yr = y + r * cols;
    const T* gyr = gy + r * cols;
    T* gxr = gx + r * cols;
    const double norm = double(norms[r]);
    if (!(norm > eps)) {
      const double inv = 1.0 / eps;
#pragma omp simd
      for (int64_t c = 0; c < cols; ++c) gxr[c] = T(double(gyr[c]) * inv);
      continue;
    }
    double dot = 0;
#pragma omp simd reduction(+ : dot)
    for (int64_t c = 0; c < cols; ++c) dot += double(yr[c]) * double(gyr[c]);
    const double inv = 1.0 / norm;
#pragma omp simd
    for (int64_t c = 0; c < cols; ++c) gxr[c] = T((double(gyr[c]) - double(yr[c]) * dot) * inv);
  }
}

void check_args(const char* op, int64_t rows, int64_t cols, double eps) {
  if (rows < 0 || cols < 1)
    fail(std::string(op) + ": need rows >= 0 and cols >= 1, got rows=" + std::to_string(rows) + " cols=" +
         std::to_string(cols));
  if (!(eps > 0)) fail(std::string(op) + ": eps must be > 0, got " + std::to_string(eps));
}

}  // namespace

WP_API void wp_l2norm_forward(int32_t dtype, int64_t rows, int64_t cols, const void* x, void* y, void* norms,
                              double eps) {
  check_args("l2norm_forward", rows, cols, eps);
  dispatch_float(dtype, "l2norm_forward", [&](auto zero) {
    using T = decltype(zero);
    parallel_chunks(rows, cols * 3, [&](int64_t b, int64_t e) {
      forward_rows<T>(b, e, cols, static_cast<const T*>(x), static_cast<T*>(y), static_cast<T*>(norms), eps);
    });
  });
}

WP_API void wp_l2norm_backward(int32_t dtype, int64_t rows, int64_t cols, const void* y, const void* norms,
                               const void* gy, void* gx, double eps) {
  check_args("l2norm_backward", rows, cols, eps);
  dispatch_float(dtype, "l2norm_backward", [&](auto zero) {
    using T = decltype(zero);
    parallel_chunks(rows, cols * 4, [&](int64_t b, int64_t e) {
      backward_rows<T>(b, e, cols, static_cast<const T*>(y), static_cast<const T*>(norms), static_cast<const T*>(gy),
                       static_cast<T*>(gx), eps);
    });
  });
}
