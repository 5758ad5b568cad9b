// AdamW: one fused pass per parameter tensor, reading each of param, grad, m and v once.
#include <cmath>
#include "kernel_util.cuh"
#include "wpc/adamw.h"

namespace wpc {
namespace {

template <typename T>
__global__ void adamw_kernel(int64_t n, T* __restrict__ param, const T* __restrict__ grad, T* __restrict__ m,
                             T* __restrict__ v, T decay, T beta1, T beta2, T step_size, T inv_sqrt_bc2, T eps) {
  const T one_minus_b1 = T(1) - beta1, one_minus_b2 = T(1) - beta2;
  for (int64_t i = global_thread(); i < n; i += global_stride()) {
    const T g = grad[i];
    const T mi = beta1 * m[i] + one_minus_b1 * g;
    const T vi = beta2 * v[i] + one_minus_b2 * g * g;
    m[i] = mi;
    v[i] = vi;
    const T denom = wsqrt(vi) * inv_sqrt_bc2 + eps;
    param[i] = param[i] * decay - step_size * mi / denom;
  }
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_adamw_step(int32_t dtype, int64_t n, void* param, const void* grad, void* m, void* v, double lr,
                           double beta1, double beta2, double eps, double weight_decay, int64_t step,
                           cudaStream_t stream) {
  if (step < 1) fail("adamw: step must be >= 1, got " + std::to_string(step));
  if (n <= 0) return;
  const double bc1 = 1.0 - std::pow(beta1, double(step));
  const double bc2 = 1.0 - std::pow(beta2, double(step));
  const double decay = 1.0 - lr * weight_decay;
  const double step_size = lr / bc1;
  const double inv_sqrt_bc2 = 1.0 / std::sqrt(bc2);
  dispatch_float(dtype, "adamw", [&](auto zero) {
    using T = decltype(zero);
    launch("adamw", adamw_kernel<T>, grid_stride_blocks(n), kThreads, 0, stream, n, static_cast<T*>(param),
           static_cast<const T*>(grad), static_cast<T*>(m), static_cast<T*>(v), T(decay), T(beta1), T(beta2),
           T(step_size), T(inv_sqrt_bc2), T(eps));
  });
}
