/* exp for float as the CPU kernels compute it (native/src/fast_exp.h: a range reduction and a
 * Taylor polynomial that vectorises), shared with the CUDA kernels that must reproduce a CPU
 * decision made on rounded exponentials (the weak-positive choice, wp/twin/mining_rule.h).
 * Every product and sum is rounded on its own: on the device through __fmul_rn/__fadd_rn,
 * which nvcc never fuses into an FMA (the CPU build targets baseline x86-64, without FMA, for
 * the code that needs this; its WP_HOT clones may fuse, which only the speed-bound kernels use). */
#pragma once
#include <string.h>
#include "wp/twin/twin.h"

namespace wp {
namespace twin {

WP_TWIN float mul_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}

WP_TWIN float add_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fadd_rn(a, b);
#else
  return a + b;
#endif
}

WP_TWIN float bits_to_float(int32_t bits) {
#if defined(__CUDA_ARCH__)
  return __int_as_float(bits);
#else
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
#endif
}

/* exp(x) = 2^n * exp(r), n = round(x / ln 2), r = x - n ln 2 in [-ln2/2, ln2/2] (ln 2 split in a
 * part with few bits, so n * kLn2Hi is exact, and the rest). exp(r) by its Taylor series to
 * r^7: the truncation error is below 0.35^8/8! ~ 6e-9, a tenth of a float ulp; the measured
 * error is about 1 ulp (tests/native/fast_exp_test.cpp). Results below FLT_MIN flush to 0,
 * above ~88.7 saturate to +inf; NaN stays NaN. */
WP_TWIN float fast_expf(float x) {
  const float kLog2e = 1.44269504088896341f;
  const float kLn2Hi = 0.693359375f;
  const float kLn2Lo = -2.12194440e-4f;
  const float kMin = -87.3365447f;  // ln(FLT_MIN): below it 2^n would leave the normal range
  const float kMax = 88.7228390f;   // ln(FLT_MAX)
  // Plain comparisons, not fmin/fmax: those keep NaN rules that stop vectorisation (NaN is
  // handled at the end instead).
  float xc = x < kMin ? kMin : x;
  xc = xc > kMax ? kMax : xc;
  // NaN passes both clamps; converting it to int below is undefined behaviour (UBSan: a shift
  // of a negative exponent), so compute with 0 and let the last line return the NaN.
  xc = xc == xc ? xc : 0.0f;
  const float n = floorf(add_rn(mul_rn(xc, kLog2e), 0.5f));
  const float r = add_rn(add_rn(xc, -mul_rn(n, kLn2Hi)), -mul_rn(n, kLn2Lo));
  float p = 1.0f / 5040;
  p = add_rn(mul_rn(p, r), 1.0f / 720);
  p = add_rn(mul_rn(p, r), 1.0f / 120);
  p = add_rn(mul_rn(p, r), 1.0f / 24);
  p = add_rn(mul_rn(p, r), 1.0f / 6);
  p = add_rn(mul_rn(p, r), 0.5f);
  p = add_rn(mul_rn(p, r), 1.0f);
  p = add_rn(mul_rn(p, r), 1.0f);
  // 2^n built in two halves so n = 128 (x near kMax) does not hit the infinity exponent.
  const int32_t ni = int32_t(n);
  const int32_t half = ni / 2;
  float y = mul_rn(mul_rn(p, bits_to_float((half + 127) << 23)), bits_to_float((ni - half + 127) << 23));
  y = x < kMin ? 0.0f : y;
  y = x > kMax ? INFINITY : y;
  return x != x ? x : y;
}

/* fast_exp<T>: the polynomial for float, the library exp for double. */
WP_TWIN float fast_exp(float x) { return fast_expf(x); }
WP_TWIN double fast_exp(double x) { return exp(x); }

}  // namespace twin
}  // namespace wp
