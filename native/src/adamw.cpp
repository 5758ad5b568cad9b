// AdamW: one fused pass per parameter tensor, reading each of param, grad, m and v once. The
// update rule is shared with the CUDA twin (wp/twin/adamw_rule.h).
#include <cmath>
#include "kernel_util.h"
#include "wp/adamw.h"
#include "wp/twin/adamw_rule.h"

using namespace wp;

namespace {

template <typename T>
WP_HOT void adamw_range(int64_t b, int64_t e, T* __restrict param, const T* __restrict grad, T* __restrict m,
                        T* __restrict v, T decay, T beta1, T beta2, T step_size, T inv_sqrt_bc2, T eps) {
#pragma omp simd
  for (int64_t i = b; i < e; ++i)
    param[i] = twin::adamw_update(param[i], grad[i], m[i], v[i], decay, beta1, beta2, step_size, inv_sqrt_bc2, eps);
}

}  // namespace

WP_API void wp_adamw_step(int32_t dtype, int64_t n, void* param, const void* grad, void* m, void* v,
                          double lr, double beta1, double beta2, double eps, double weight_decay,
                          int64_t step) {
  if (step < 1) fail("adamw: step must be >= 1, got " + std::to_string(step));
  if (n <= 0) return;
  const twin::AdamWScalars s = twin::AdamWScalars::make(lr, beta1, beta2, weight_decay, step);
  dispatch_float(dtype, "adamw", [&](auto zero) {
    using T = decltype(zero);
    parallel_chunks(n, 16, [&](int64_t b, int64_t e) {
      adamw_range<T>(b, e, static_cast<T*>(param), static_cast<const T*>(grad), static_cast<T*>(m), static_cast<T*>(v),
                     T(s.decay), T(beta1), T(beta2), T(s.step_size), T(s.inv_sqrt_bc2), T(eps));
    });
  });
}
