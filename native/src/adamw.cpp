// AdamW: one fused pass per parameter tensor, reading each of param, grad, m and v once.
#include <cmath>
#include "kernel_util.h"
#include "wp/adamw.h"

using namespace wp;

namespace {

// The scalar factors are computed once in double (beta^step for large steps needs it) and
// rounded to T; the per-element work stays in T so float parameters stream at full width.
template <typename T>
WP_HOT void adamw_kernel(int64_t n, T* __restrict param, const T* __restrict grad, T* __restrict m,
                         T* __restrict v, T decay, T beta1, T beta2, T step_size, T inv_sqrt_bc2, T eps) {
  const T one_minus_b1 = T(1) - beta1;
  const T one_minus_b2 = T(1) - beta2;
  parallel_chunks(n, 16, [&](int64_t b, int64_t e) {
#pragma omp simd
    for (int64_t i = b; i < e; ++i) {
      const T g = grad[i];
      const T mi = beta1 * m[i] + one_minus_b1 * g;
      const T vi = beta2 * v[i] + one_minus_b2 * g * g;
      m[i] = mi;
      v[i] = vi;
      const T denom = std::sqrt(vi) * inv_sqrt_bc2 + eps;
      param[i] = param[i] * decay - step_size * mi / denom;
    }
  });
}

}  // namespace

WP_API void wp_adamw_step(int32_t dtype, int64_t n, void* param, const void* grad, void* m, void* v,
                          double lr, double beta1, double beta2, double eps, double weight_decay,
                          int64_t step) {
  if (step < 1) fail("adamw: step must be >= 1, got " + std::to_string(step));
  if (n <= 0) return;
  const double bc1 = 1.0 - std::pow(beta1, double(step));
  const double bc2 = 1.0 - std::pow(beta2, double(step));
  const double decay = 1.0 - lr * weight_decay;
  const double step_size = lr / bc1;
  const double inv_sqrt_bc2 = 1.0 / std::sqrt(bc2);
  dispatch_float(dtype, "adamw", [&](auto zero) {
    using T = decltype(zero);
    adamw_kernel<T>(n, static_cast<T*>(param), static_cast<const T*>(grad), static_cast<T*>(m),
                    static_cast<T*>(v), T(decay), T(beta1), T(beta2), T(step_size), T(inv_sqrt_bc2), T(eps));
  });
}
