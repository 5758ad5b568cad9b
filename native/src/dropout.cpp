// Dropout whose mask is a pure function of (seed, element index): see wp/dropout.h.
#include <cmath>
#include "kernel_util.h"
#include "wp/dropout.h"

using namespace wp;

namespace {

inline uint64_t mix64(uint64_t z) {
  z ^= z >> 30;
  z *= 0xbf58476d1ce4e5b9ULL;
  z ^= z >> 27;
  z *= 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

template <typename T>
WP_HOT void dropout_range(int64_t begin, int64_t end, const T* x, T* y, T* mask, uint64_t key, uint64_t threshold,
                          T scale) {
#pragma omp simd
  for (int64_t i = begin; i < end; ++i) {
    const uint64_t u = mix64(key + uint64_t(i + 1) * 0x9e3779b97f4a7c15ULL) >> 32;
    const T m = u < threshold ? T(0) : scale;
    if (mask) mask[i] = m;
    y[i] = x[i] * m;
  }
}

}  // namespace

WP_API void wp_dropout_forward(int32_t dtype, int64_t n, const void* x, void* y, void* mask, double p, int64_t seed) {
  if (n < 0) fail("dropout_forward: negative element count " + std::to_string(n));
  if (!(p >= 0 && p <= 1)) fail("dropout_forward: p must be in [0, 1], got " + std::to_string(p));
  const uint64_t key = mix64(uint64_t(seed));
  // floor(p * 2^32) is exact in double; p = 1 gives 2^32, above every u, so all are dropped.
  const uint64_t threshold = uint64_t(std::floor(p * 4294967296.0));
  dispatch_float(dtype, "dropout_forward", [&](auto zero) {
    using T = decltype(zero);
    const T scale = p < 1 ? T(1.0 / (1.0 - p)) : T(0);
    parallel_chunks(n, 8, [&](int64_t b, int64_t e) {
      dropout_range<T>(b, e, static_cast<const T*>(x), static_cast<T*>(y), static_cast<T*>(mask), key, threshold, scale);
    });
  });
}
