// Row softmax / log-softmax, forward and backward, parallel over rows.
//
// Each row is a few passes over contiguous memory: max, exp-and-sum, normalise. The float
// exp is wp::fast_exp (fast_exp.h) so the exp-and-sum pass vectorises; the sums use `omp simd`
// reductions (one partial sum per SIMD lane, added at the end), which is what lets a float
// reduction vectorise without -ffast-math and is also more accurate than one running sum.
#include <cmath>
#include <limits>
#include "kernel_util.h"
#include "fast_exp.h"
#include "wp/softmax.h"

using namespace wp;

namespace {

// The hot loops live in WP_HOT functions called per chunk: code inside an OpenMP region
// is outlined before target_clones runs, so a loop written directly in the parallel
// lambda would only get the baseline (SSE2) build.
template <typename T>
WP_HOT void softmax_rows(int64_t begin, int64_t end, int64_t cols, const T* x, T* y, bool log) {
  for (int64_t r = begin; r < end; ++r) {
    const T* xr = x + r * cols;
    T* yr = y + r * cols;
    T m = -std::numeric_limits<T>::infinity();
#pragma omp simd reduction(max : m)
    for (int64_t i = 0; i < cols; ++i) m = xr[i] > m ? xr[i] : m;
    T sum = 0;
    if (log) {
#pragma omp simd reduction(+ : sum)
      for (int64_t i = 0; i < cols; ++i) sum += fast_exp(xr[i] - m);
      const T log_sum = std::log(sum);
      // (x - m) - log(sum) rather than x - (m + log(sum)): exact near the maximum.
      for (int64_t i = 0; i < cols; ++i) yr[i] = (xr[i] - m) - log_sum;
    } else {
#pragma omp simd reduction(+ : sum)
      for (int64_t i = 0; i < cols; ++i) {
        const T e = fast_exp(xr[i] - m);
        yr[i] = e;
        sum += e;
      }
      const T inv = T(1) / sum;
      for (int64_t i = 0; i < cols; ++i) yr[i] *= inv;
    }
  }
}

template <typename T>
WP_HOT void softmax_backward_rows(int64_t begin, int64_t end, int64_t cols, const T* y, const T* gy, T* gx,
                                  bool log) {
  for (int64_t r = begin; r < end; ++r) {
    const T* yr = y + r * cols;
    const T* gr = gy + r * cols;
    T* xr = gx + r * cols;
    T acc = 0;
    if (log) {
#pragma omp simd reduction(+ : acc)
      for (int64_t i = 0; i < cols; ++i) acc += gr[i];
      for (int64_t i = 0; i < cols; ++i) xr[i] = gr[i] - fast_exp(yr[i]) * acc;
    } else {
#pragma omp simd reduction(+ : acc)
      for (int64_t i = 0; i < cols; ++i) acc += gr[i] * yr[i];
      for (int64_t i = 0; i < cols; ++i) xr[i] = yr[i] * (gr[i] - acc);
    }
  }
}

}  // namespace

WP_API void wp_softmax_forward(int32_t dtype, int64_t rows, int64_t cols, const void* x, void* y, int32_t log) {
  if (rows < 0 || cols < 0) fail("softmax: negative size " + std::to_string(rows) + " x " + std::to_string(cols));
  if (cols == 0) return;
  dispatch_float(dtype, "softmax", [&](auto zero) {
    using T = decltype(zero);
    const T* px = static_cast<const T*>(x);
    T* py = static_cast<T*>(y);
    parallel_chunks(rows, 4 * cols, [&](int64_t b, int64_t e) { softmax_rows<T>(b, e, cols, px, py, log != 0); });
  });
}

WP_API void wp_softmax_backward(int32_t dtype, int64_t rows, int64_t cols, const void* y, const void* gy, void* gx,
                                int32_t log) {
  if (rows < 0 || cols < 0) fail("softmax_backward: negative size " + std::to_string(rows) + " x " + std::to_string(cols));
  if (cols == 0) return;
  dispatch_float(dtype, "softmax_backward", [&](auto zero) {
    using T = decltype(zero);
    const T* py = static_cast<const T*>(y);
    const T* pg = static_cast<const T*>(gy);
    T* px = static_cast<T*>(gx);
    parallel_chunks(rows, 3 * cols,
                    [&](int64_t b, int64_t e) { softmax_backward_rows<T>(b, e, cols, py, pg, px, log != 0); });
  });
}
