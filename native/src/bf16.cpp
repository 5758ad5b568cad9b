// The BF16 storage kernels: casts to and from F32/F64, fills, the non-finite test. Strided copies
// need no conversion and move 2-byte elements in runtime.cpp.
#include "bf16.h"
#include "kernel_util.h"

namespace wp {
namespace {

// WP_HOT clones: the F32 loops vectorise (integer adds and shifts), so AVX2/AVX-512 hosts
// convert several elements per instruction.
WP_HOT void narrow_f32(const float* s, uint16_t* d, int64_t b, int64_t e) {
  for (int64_t i = b; i < e; ++i) d[i] = f32_to_bf16(s[i]);
}

WP_HOT void widen_f32(const uint16_t* s, float* d, int64_t b, int64_t e) {
  for (int64_t i = b; i < e; ++i) d[i] = bf16_to_f32(s[i]);
}

void narrow_f64(const double* s, uint16_t* d, int64_t b, int64_t e) {
  for (int64_t i = b; i < e; ++i) d[i] = f64_to_bf16(s[i]);
}

void widen_f64(const uint16_t* s, double* d, int64_t b, int64_t e) {
  for (int64_t i = b; i < e; ++i) d[i] = bf16_to_f64(s[i]);
}

}  // namespace

void cast_bf16(int32_t src_dtype, const void* src, int32_t dst_dtype, void* dst, int64_t n) {
  if (src_dtype == WP_BF16 && dst_dtype == WP_BF16) {
    if (n > 0) std::memcpy(dst, src, size_t(n) * 2);
    return;
  }
  if (dst_dtype == WP_BF16) {
    uint16_t* d = static_cast<uint16_t*>(dst);
    if (src_dtype == WP_F32) {
      const float* s = static_cast<const float*>(src);
      parallel_chunks(n, 1, [&](int64_t b, int64_t e) { narrow_f32(s, d, b, e); });
      return;
    }
    if (src_dtype == WP_F64) {
      const double* s = static_cast<const double*>(src);
      parallel_chunks(n, 2, [&](int64_t b, int64_t e) { narrow_f64(s, d, b, e); });
      return;
    }
  } else if (src_dtype == WP_BF16) {
    const uint16_t* s = static_cast<const uint16_t*>(src);
    if (dst_dtype == WP_F32) {
      float* d = static_cast<float*>(dst);
      parallel_chunks(n, 1, [&](int64_t b, int64_t e) { widen_f32(s, d, b, e); });
      return;
    }
    if (dst_dtype == WP_F64) {
      double* d = static_cast<double*>(dst);
      parallel_chunks(n, 1, [&](int64_t b, int64_t e) { widen_f64(s, d, b, e); });
      return;
    }
  }
  fail("cast: " + dtype_name(src_dtype) + " to " + dtype_name(dst_dtype)
       + " is not supported (BF16 converts to and from F32 and F64 only)");
}

void fill_bf16(uint16_t* dst, int64_t n, double value) {
  const uint16_t v = f64_to_bf16(value);
  parallel_chunks(n, 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) dst[i] = v;
  });
}

bool bf16_has_nonfinite(const uint16_t* src, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    if (!bf16_is_finite(src[i])) return true;
  return false;
}

}  // namespace wp
