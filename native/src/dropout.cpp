// Dropout whose mask is a pure function of (seed, element index): see wp/dropout.h and the
// rule shared with the CUDA twin in wp/twin/dropout_rule.h.
#include <cmath>
#include "kernel_util.h"
#include "wp/dropout.h"
#include "wp/twin/dropout_rule.h"

using namespace wp;

namespace {

template <typename T>
WP_HOT void dropout_range(int64_t begin, int64_t end, const T* x, T* y, T* mask, twin::DropoutRule rule, T scale) {
#pragma omp simd
  for (int64_t i = begin; i < end; ++i) {
    const T m = rule.dropped(i) ? T(0) : scale;
    if (mask) mask[i] = m;
    y[i] = x[i] * m;
  }
}

}  // namespace

WP_API void wp_dropout_forward(int32_t dtype, int64_t n, const void* x, void* y, void* mask, double p, int64_t seed) {
  if (n < 0) fail("dropout_forward: negative element count " + std::to_string(n));
  if (!(p >= 0 && p <= 1)) fail("dropout_forward: p must be in [0, 1], got " + std::to_string(p));
  const twin::DropoutRule rule = twin::DropoutRule::make(p, seed);
  dispatch_float(dtype, "dropout_forward", [&](auto zero) {
    using T = decltype(zero);
    const T scale = p < 1 ? T(1.0 / (1.0 - p)) : T(0);
    parallel_chunks(n, 8, [&](int64_t b, int64_t e) {
      dropout_range<T>(b, e, static_cast<const T*>(x), static_cast<T*>(y), static_cast<T*>(mask), rule, scale);
    });
  });
}
