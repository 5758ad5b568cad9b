// AdamW: one fused pass per parameter tensor, reading each of param, grad, m and v once; the
// CPU twin's update rule (wp/twin/adamw_rule.h).
#include <cmath>
#include "kernel_util.cuh"
#include "wp/twin/adamw_rule.h"
#include "wpc/adamw.h"

namespace wpc {
namespace {

template <typename T>
__global__ void adamw_kernel(int64_t n, T* __restrict__ param, const T* __restrict__ grad, T* __restrict__ m,
                             T* __restrict__ v, T decay, T beta1, T beta2, T step_size, T inv_sqrt_bc2, T eps) {
  for (int64_t i = global_thread(); i < n; i += global_stride())
    param[i] = wp::twin::adamw_update(param[i], grad[i], m[i], v[i], decay, beta1, beta2, step_size, inv_sqrt_bc2, eps);
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_adamw_step(int32_t dtype, int64_t n, void* param, const void* grad, void* m, void* v, double lr,
                           double beta1, double beta2, double eps, double weight_decay, int64_t step,
                           cudaStream_t stream) {
  if (step < 1) fail("adamw: step must be >= 1, got " + std::to_string(step));
  if (n <= 0) return;
  const wp::twin::AdamWScalars s = wp::twin::AdamWScalars::make(lr, beta1, beta2, weight_decay, step);
  dispatch_float(dtype, "adamw", [&](auto zero) {
    using T = decltype(zero);
    launch("adamw", adamw_kernel<T>, grid_stride_blocks(n), kThreads, 0, stream, n, static_cast<T*>(param),
           static_cast<const T*>(grad), static_cast<T*>(m), static_cast<T*>(v), T(s.decay), T(beta1), T(beta2),
           T(s.step_size), T(s.inv_sqrt_bc2), T(eps));
  });
}
