// bfloat16, the storage dtype WP_BF16: the upper 16 bits of an IEEE float32 (1 sign, 8 exponent,
// 7 mantissa bits). Widening is exact; narrowing rounds to nearest, ties to even (docs/precision.md).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>

namespace wp {

inline uint32_t float_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

inline float bits_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

// Exact: every bfloat16 is a float32 (subnormals, infinities and NaN included).
inline float bf16_to_f32(uint16_t h) { return bits_float(uint32_t(h) << 16); }

// Round to nearest, ties to even. Adding 0x7fff plus the lowest kept bit carries into the kept
// half exactly when the dropped half is above the midpoint, or at it with an odd kept half; a
// carry out of the mantissa bumps the exponent, which is right (up to infinity at the top).
// NaN is tested first: a NaN whose payload lies only in the dropped half would otherwise become
// infinity. It keeps its sign and upper payload and is made quiet.
inline uint16_t f32_to_bf16(float f) {
  uint32_t u = float_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return uint16_t((u >> 16) | 0x0040u);
  u += 0x7fffu + ((u >> 16) & 1u);
  return uint16_t(u >> 16);
}

// Direct double -> bfloat16 rounding, without the double rounding error of going through a
// float32 rounded to nearest: the float is rounded to odd instead (truncated, with its lowest
// bit set when anything was dropped), which keeps the information the second rounding needs
// because float32 holds 16 more mantissa bits than bfloat16 across the whole exponent range.
inline uint16_t f64_to_bf16(double d) {
  if (std::isnan(d)) return uint16_t((std::signbit(d) ? 0x8000u : 0u) | 0x7fc0u);
  float f = float(d);  // to nearest (the default rounding mode)
  if (double(f) != d) {
    uint32_t u = float_bits(f);
    if (std::fabs(double(f)) > std::fabs(d)) u -= 1;  // rounded away from zero: one step back (magnitude bits only)
    f = bits_float(u | 1u);
  }
  return f32_to_bf16(f);
}

inline double bf16_to_f64(uint16_t h) { return double(bf16_to_f32(h)); }

inline bool bf16_is_finite(uint16_t h) { return (h & 0x7f80u) != 0x7f80u; }

// The BF16 halves of the storage kernels (runtime.cpp dispatches here when either side is WP_BF16).
// Casts convert between BF16 and F32, F64 or BF16; anything else is an error naming the dtypes.
void cast_bf16(int32_t src_dtype, const void* src, int32_t dst_dtype, void* dst, int64_t n);
void fill_bf16(uint16_t* dst, int64_t n, double value);
bool bf16_has_nonfinite(const uint16_t* src, int64_t n);

}  // namespace wp
