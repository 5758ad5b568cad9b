// Dropout: the CPU twin's rule (wp/twin/dropout_rule.h), so both drop the same elements.
#include <cmath>
#include "kernel_util.cuh"
#include "wp/twin/dropout_rule.h"
#include "wpc/dropout.h"

namespace wpc {
namespace {

// y may alias x (each element is read, then written, by one thread).
template <typename T>
__global__ void dropout_kernel(int64_t n, const T* x, T* y, T* __restrict__ mask, wp::twin::DropoutRule rule, T scale) {
  for (int64_t i = global_thread(); i < n; i += global_stride()) {
    const T m = rule.dropped(i) ? T(0) : scale;
    if (mask) mask[i] = m;
    y[i] = x[i] * m;
  }
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_dropout_forward(int32_t dtype, int64_t n, const void* x, void* y, void* mask, double p, int64_t seed,
                                cudaStream_t stream) {
  if (n < 0) fail("dropout_forward: negative element count " + std::to_string(n));
  if (!(p >= 0 && p <= 1)) fail("dropout_forward: p must be in [0, 1], got " + std::to_string(p));
  const wp::twin::DropoutRule rule = wp::twin::DropoutRule::make(p, seed);
  dispatch_float(dtype, "dropout_forward", [&](auto zero) {
    using T = decltype(zero);
    const T scale = p < 1 ? T(1.0 / (1.0 - p)) : T(0);
    if (n == 0) return;
    launch("dropout_forward", dropout_kernel<T>, grid_stride_blocks(n), kThreads, 0, stream, n,
           static_cast<const T*>(x), static_cast<T*>(y), static_cast<T*>(mask), rule, scale);
  });
}
