// A branch-free exp that GCC vectorises (AVX2/AVX-512 under WP_HOT), for the method kernels'
// softmax and log-sum-exp loops over the N x N similarity logits, where libm's scalar exp
// would dominate. Own file until a shared vec_math.h exists on main.
//
// exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 in [-ln2/2, ln2/2], with ln 2
// split in two parts so r is exact, and a polynomial for exp(r):
//  - float: the classic minimax degree-7 form 1 + r + r^2 P5(r), relative error ~1e-7;
//  - double: Taylor to degree 13 (truncation < 2e-16 on |r| <= 0.347), ~2 ulp.
// Arguments below the smallest normal result give exactly 0 (no denormals); arguments
// above the overflow bound are clamped (callers only pass x <= ~0 after a max shift).
#pragma once
#include <cstdint>
#include <cstring>

namespace wp {

inline float exp_fast(float x) {
  const float lo = -87.33654f, hi = 88.3f;
  const bool under = x < lo;
  x = x > hi ? hi : (x < lo ? lo : x);
  const float log2e = 1.44269504088896341f;
  // Round to nearest through the 1.5 * 2^23 trick: exact for |x log2e| < 2^22.
  const float magic = 12582912.0f;
  float n = (x * log2e + magic) - magic;
  float r = x - n * 0.693359375f;
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t ni = static_cast<int32_t>(n);
  const int32_t bits = (ni + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  const float y = p * scale;
  return under ? 0.0f : y;
}

inline double exp_fast(double x) {
  const double lo = -708.39641853226408, hi = 709.78271289338397;
  const bool under = x < lo;
  x = x > hi ? hi : (x < lo ? lo : x);
  const double log2e = 1.4426950408889634074;
  const double magic = 6755399441055744.0;  // 1.5 * 2^52
  double n = (x * log2e + magic) - magic;
  double r = x - n * 6.93145751953125e-1;
  r = r - n * 1.42860682030941723212e-6;
  // Horner on the Taylor series 1 + r + r^2/2! + ... + r^13/13!.
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // 2^n in two halves so n down to -1022 and up to 1023 both stay representable.
  const int64_t ni = static_cast<int64_t>(n);
  const int64_t h1 = ni / 2, h2 = ni - h1;
  const int64_t b1 = (h1 + 1023) << 52, b2 = (h2 + 1023) << 52;
  double s1, s2;
  std::memcpy(&s1, &b1, sizeof s1);
  std::memcpy(&s2, &b2, sizeof s2);
  const double y = p * s1 * s2;
  return under ? 0.0 : y;
}

}  // namespace wp
