// Dropout: element i is dropped when mix(key + (i + 1) * golden) >> 32 < floor(p * 2^32), with
// key = mix(seed) and mix the splitmix64 finaliser: exactly the CPU twin's integer arithmetic.
#include <cmath>
#include "kernel_util.cuh"
#include "wpc/dropout.h"

namespace wpc {
namespace {

__host__ __device__ __forceinline__ uint64_t mix64(uint64_t z) {
  z ^= z >> 30;
  z *= 0xbf58476d1ce4e5b9ULL;
  z ^= z >> 27;
  z *= 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// y may alias x (each element is read, then written, by one thread).
template <typename T>
__global__ void dropout_kernel(int64_t n, const T* x, T* y, T* __restrict__ mask, uint64_t key, uint64_t threshold,
                               T scale) {
  for (int64_t i = global_thread(); i < n; i += global_stride()) {
    const uint64_t u = mix64(key + uint64_t(i + 1) * 0x9e3779b97f4a7c15ULL) >> 32;
    const T m = u < threshold ? T(0) : scale;
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
  const uint64_t key = mix64(uint64_t(seed));
  const uint64_t threshold = uint64_t(std::floor(p * 4294967296.0));
  dispatch_float(dtype, "dropout_forward", [&](auto zero) {
    using T = decltype(zero);
    const T scale = p < 1 ? T(1.0 / (1.0 - p)) : T(0);
    if (n == 0) return;
    launch("dropout_forward", dropout_kernel<T>, grid_stride_blocks(n), kThreads, 0, stream, n,
           static_cast<const T*>(x), static_cast<T*>(y), static_cast<T*>(mask), key, threshold, scale);
  });
}
