// exp for float that the compiler can vectorise (std::expf is a scalar libm call unless
// -ffast-math, which this project does not use). Used where a kernel takes an exp of every
// logit (cross-entropy over a vocabulary); double keeps std::exp, for gradient checks.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace wp {

// exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 in [-ln2/2, ln2/2] (ln 2 split in a
// part with few bits, so n * kLn2Hi is exact, and the rest). exp(r) by its Taylor series to
// r^7: the truncation error is below 0.35^8/8! ~ 6e-9, a tenth of a float ulp; the measured
// error is about 1 ulp (tests/native/fast_exp_test.cpp). Results below FLT_MIN flush to 0,
// above ~88.7 saturate to +inf; NaN stays NaN.
inline float fast_expf(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f;
  constexpr float kLn2Lo = -2.12194440e-4f;
  constexpr float kMin = -87.3365447f;  // ln(FLT_MIN): below it 2^n would leave the normal range
  constexpr float kMax = 88.7228390f;   // ln(FLT_MAX)
  // Plain comparisons, not fmin/fmax: those keep NaN rules that stop vectorisation (NaN is
  // handled at the end instead).
  float xc = x < kMin ? kMin : x;
  xc = xc > kMax ? kMax : xc;
  const float n = std::floor(xc * kLog2e + 0.5f);
  const float r = (xc - n * kLn2Hi) - n * kLn2Lo;
  float p = 1.0f / 5040;
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // 2^n built in two halves so n = 128 (x near kMax) does not hit the infinity exponent.
  const int32_t ni = int32_t(n);
  const int32_t half = ni / 2;
  const int32_t b1 = (half + 127) << 23, b2 = (ni - half + 127) << 23;
  float s1, s2;
  std::memcpy(&s1, &b1, sizeof s1);
  std::memcpy(&s2, &b2, sizeof s2);
  float y = p * s1 * s2;
  y = x < kMin ? 0.0f : y;
  y = x > kMax ? INFINITY : y;
  return x != x ? x : y;
}

template <typename T>
inline T fast_exp(T x) {
  if constexpr (std::is_same_v<T, float>) return fast_expf(x);
  else return std::exp(x);
}

}  // namespace wp
