// Elementary functions written so that loops calling them vectorise. std::exp in a loop stays
// a scalar libm call unless the whole library is built with -ffast-math (glibc only declares
// its vector variants then), and we do not want fast-math's other licences. Everything here
// is branch-free straight-line code on plain arithmetic and bit moves, so GCC turns a loop of
// calls into SIMD code for each target clone.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace wp {

// exp for float, relative error about 1e-7 (a few ulp) over the whole range, exact 0 below
// the normal range (and for -inf), +inf above it, NaN passed through.
//
// exp(x) = 2^n * exp(r) with n = round(x / ln 2) and r = x - n ln 2 in [-ln2/2, ln2/2].
// ln 2 is split in a short high part (n * hi is exact for |n| < 2^9) and a low correction,
// so r keeps full precision. exp(r) is its Taylor polynomial of degree 7, whose truncation
// error (|r|^8 / 8! < 6e-9) is below float rounding. 2^n is built in the exponent bits.
inline float exp_approx(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f;             // 0x1.63p-1: 9 significant bits
  constexpr float kLn2Lo = -2.12194440054690583e-4f;  // ln 2 - kLn2Hi
  constexpr float kRound = 12582912.0f;               // 1.5 * 2^23: adding it rounds to an integer
  constexpr float kMax = 88.7228390f;                 // above: overflow to +inf
  constexpr float kMin = -87.3365479f;                // below: result under FLT_MIN, flushed to 0

  // NaN fails both comparisons and flows through the arithmetic unchanged.
  const float xc = x > kMax ? kMax : (x < kMin ? kMin : x);
  const float n = (xc * kLog2e + kRound) - kRound;
  const float r = (xc - n * kLn2Hi) - n * kLn2Lo;

  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;

  // n is in [-126, 128]. 2^128 has no float exponent, so for n = 128 build 2^127 and double p.
  const float top = n > 127.5f ? 1.0f : 0.0f;
  const int32_t bits = (static_cast<int32_t>(n - top) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  float y = (p + p * top) * scale;
  y = x < kMin ? 0.0f : y;
  y = x > kMax ? std::numeric_limits<float>::infinity() : y;
  return y;
}

// The double version defers to libm: double kernels are the reference for gradient checks,
// where accuracy matters and speed does not.
inline double exp_approx(double x) { return std::exp(x); }

}  // namespace wp
