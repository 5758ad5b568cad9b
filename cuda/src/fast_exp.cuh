// The device twin of native/src/fast_exp.h, bit for bit: the same range reduction, the same
// Taylor polynomial and the same scaling, each product and sum rounded on its own
// (__fmul_rn/__fadd_rn: nvcc would otherwise fuse them into FMAs, which the CPU build, compiled
// for baseline x86-64, does not). Used where a kernel must reproduce a CPU decision that
// depends on rounded exponentials (the weak-positive choice of mining.cu), not for speed.
#pragma once
#include "kernel_util.cuh"

namespace wpc {

__device__ __forceinline__ float cpu_fast_expf(float x) {
  constexpr float kLog2e = 1.44269504088896341f;
  constexpr float kLn2Hi = 0.693359375f;
  constexpr float kLn2Lo = -2.12194440e-4f;
  constexpr float kMin = -87.3365447f;
  constexpr float kMax = 88.7228390f;
  float xc = x < kMin ? kMin : x;
  xc = xc > kMax ? kMax : xc;
  const float n = floorf(__fadd_rn(__fmul_rn(xc, kLog2e), 0.5f));
  const float r = __fsub_rn(__fsub_rn(xc, __fmul_rn(n, kLn2Hi)), __fmul_rn(n, kLn2Lo));
  float p = 1.0f / 5040;
  p = __fadd_rn(__fmul_rn(p, r), 1.0f / 720);
  p = __fadd_rn(__fmul_rn(p, r), 1.0f / 120);
  p = __fadd_rn(__fmul_rn(p, r), 1.0f / 24);
  p = __fadd_rn(__fmul_rn(p, r), 1.0f / 6);
  p = __fadd_rn(__fmul_rn(p, r), 0.5f);
  p = __fadd_rn(__fmul_rn(p, r), 1.0f);
  p = __fadd_rn(__fmul_rn(p, r), 1.0f);
  const int32_t ni = x != x ? 0 : int32_t(n);  // NaN returns below; keep the conversion defined
  const int32_t half = ni / 2;
  const float s1 = __int_as_float((half + 127) << 23), s2 = __int_as_float((ni - half + 127) << 23);
  float y = __fmul_rn(__fmul_rn(p, s1), s2);
  y = x < kMin ? 0.0f : y;
  y = x > kMax ? INFINITY : y;
  return x != x ? x : y;
}

// wp::fast_exp<T>: the polynomial above for float, the library exp for double.
__device__ __forceinline__ float cpu_fast_exp(float x) { return cpu_fast_expf(x); }
__device__ __forceinline__ double cpu_fast_exp(double x) { return exp(x); }

}  // namespace wpc
