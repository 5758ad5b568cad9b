// Host memory, thread control, fills, strided copies and casts.
#include <cblas.h>
#include <cmath>
#include <cstdlib>
#include "kernel_util.h"
#include "wp/runtime.h"

using namespace wp;

WP_API void* wp_host_alloc(int64_t bytes) {
  if (bytes <= 0) return nullptr;
  // Round up to the alignment so aligned_alloc's size rule holds.
  const int64_t rounded = (bytes + 63) / 64 * 64;
  return std::aligned_alloc(64, static_cast<size_t>(rounded));
}

WP_API void wp_host_free(void* ptr) { std::free(ptr); }

WP_API void wp_set_num_threads(int32_t threads) {
  if (threads < 1) fail("thread count must be at least 1, got " + std::to_string(threads));
  omp_set_num_threads(threads);
  openblas_set_num_threads(threads);
}

WP_API int32_t wp_get_num_threads(void) { return omp_get_max_threads(); }

WP_API void wp_fill(int32_t dtype, void* dst, int64_t n, double value) {
  dispatch_any(dtype, "fill", [&](auto zero) {
    using T = decltype(zero);
    T* d = static_cast<T*>(dst);
    const T v = static_cast<T>(value);
    parallel_chunks(n, 1, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) d[i] = v;
    });
  });
}

namespace {
template <typename T>
WP_HOT void copy_strided(const StridedLayout<2>& L, const T* src, T* dst) {
  const int64_t inner = L.inner();
  const int64_t ss = L.strides[0][L.ndim - 1], ds = L.strides[1][L.ndim - 1];
  parallel_chunks(L.outer_count(), inner, [&](int64_t b, int64_t e) {
    int64_t off[2];
    for (int64_t row = b; row < e; ++row) {
      L.offsets(row, off);
      const T* s = src + off[0];
      T* d = dst + off[1];
      if (ss == 1 && ds == 1) {
        std::memcpy(d, s, sizeof(T) * inner);
      } else {
        for (int64_t i = 0; i < inner; ++i) d[i * ds] = s[i * ss];
      }
    }
  });
}
}  // namespace

WP_API void wp_copy_strided(int32_t dtype, int32_t ndim, const int64_t* shape, const void* src,
                            const int64_t* src_strides, void* dst, const int64_t* dst_strides) {
  const int64_t* strides[2] = {src_strides, dst_strides};
  StridedLayout<2> L(ndim, shape, strides);
  dispatch_any(dtype, "copy", [&](auto zero) {
    using T = decltype(zero);
    copy_strided<T>(L, static_cast<const T*>(src), static_cast<T*>(dst));
  });
}

WP_API void wp_cast(int32_t src_dtype, const void* src, int32_t dst_dtype, void* dst, int64_t n) {
  dispatch_any(src_dtype, "cast", [&](auto s0) {
    using S = decltype(s0);
    dispatch_any(dst_dtype, "cast", [&](auto d0) {
      using D = decltype(d0);
      const S* s = static_cast<const S*>(src);
      D* d = static_cast<D*>(dst);
      parallel_chunks(n, 1, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) d[i] = static_cast<D>(s[i]);
      });
    });
  });
}

WP_API void wp_memcpy(void* dst, const void* src, int64_t bytes) {
  if (bytes > 0) std::memcpy(dst, src, static_cast<size_t>(bytes));
}

WP_API int32_t wp_has_nonfinite(int32_t dtype, const void* src, int64_t n) {
  int32_t found = 0;
  dispatch_float(dtype, "has_nonfinite", [&](auto zero) {
    using T = decltype(zero);
    const T* s = static_cast<const T*>(src);
    for (int64_t i = 0; i < n; ++i)
      if (!std::isfinite(s[i])) { found = 1; break; }
  });
  return found;
}
