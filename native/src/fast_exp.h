// exp for float that the compiler can vectorise (std::expf is a scalar libm call unless
// -ffast-math, which this project does not use). Used where a kernel takes an exp of every
// logit (cross-entropy over a vocabulary); double keeps std::exp, for gradient checks.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include "wp/twin/fast_exp_rule.h"

namespace wp {

// The definition lives in wp/twin/fast_exp_rule.h (the CUDA kernels that must reproduce a
// CPU decision compile the same function): exp(x) = 2^n exp(r) with a Taylor polynomial for
// exp(r), about 1 ulp (tests/native/fast_exp_test.cpp); below FLT_MIN it flushes to 0, above
// ~88.7 it saturates to +inf, NaN stays NaN.
inline float fast_expf(float x) { return twin::fast_expf(x); }

template <typename T>
inline T fast_exp(T x) {
  if constexpr (std::is_same_v<T, float>) return fast_expf(x);
  else return std::exp(x);
}

}  // namespace wp
