// Internal helpers shared by the CUDA kernels: the compile mode (nvcc or the CPU emulator),
// launches, dtype dispatch, error checks, grid sizing, warp and block reductions, and the
// float/double overloads of the math functions.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include "wp/dtype_dispatch.h"
#include "wpc/common.h"

#if defined(__CUDACC__)
#include <cuda_runtime.h>
#else
#include "cuda_emu.h"  // compiled by a plain C++ compiler: kernels run on the CPU emulator
#endif

namespace wpc {

using wp::fail;
using wp::dispatch_float;
using wp::dispatch_any;
using wp::dtype_size;

inline void check(cudaError_t e, const char* op, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(op) + ": " + what + " failed: " + cudaGetErrorString(e));
}

// kernel<<<grid, block, shared, stream>>>(args...) that throws when the launch is refused.
template <typename... P, typename... A>
inline void launch(const char* op, void (*kernel)(P...), dim3 grid, dim3 block, size_t shared_bytes,
                   cudaStream_t stream, A&&... args) {
#if defined(__CUDACC__)
  kernel<<<grid, block, shared_bytes, stream>>>(std::forward<A>(args)...);
#else
  emu::launch(kernel, grid, block, shared_bytes, stream, std::forward<A>(args)...);
#endif
  check(cudaGetLastError(), op, "kernel launch");
}

// Multiprocessors of the current device (cached per device; 0-63).
int multiprocessors();

// Shared memory one block of the current device may use after opting in
// (cudaDevAttrMaxSharedMemoryPerBlockOptin: 163 KiB on sm_80, 227 KiB on sm_90).
int max_shared_optin();

// Raises a kernel's dynamic shared-memory limit once it needs more than the default 48 KiB;
// bytes must be at most max_shared_optin() (the runtime refuses more).
template <typename K>
void allow_shared(K* kernel, size_t bytes, const char* op) {
  if (bytes > 48 * 1024)
    check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(bytes)), op,
          "cudaFuncSetAttribute");
}

// A kernel's static __shared__ bytes: they count against the same per-block limit as the
// dynamic bytes (dynamic + static <= max_shared_optin()), so a size computed from the limit
// must leave room for them.
template <typename K>
size_t static_shared_bytes(K* kernel, const char* op) {
  cudaFuncAttributes attr{};
  check(cudaFuncGetAttributes(&attr, kernel), op, "cudaFuncGetAttributes");
  return attr.sharedSizeBytes;
}

constexpr int kThreads = 256;
// Single-block finishing reductions run 1,024 threads; their kernels declare
// __launch_bounds__(kFinishThreads), or nvcc may give them more registers than 1,024 threads
// can have (64 each) and the launch fails with "too many resources requested".
constexpr int kFinishThreads = 1024;

// Blocks for a grid-stride loop over n items: enough to fill the device a few times over,
// never more than the items need. n must be positive.
inline unsigned grid_stride_blocks(int64_t n, int threads = kThreads) {
  const int64_t needed = (n + threads - 1) / threads;
  const int64_t cap = int64_t(multiprocessors()) * 16;
  return unsigned(needed < cap ? needed : cap);
}

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// ---------------------------------------------------------------- device-side helpers

__device__ __forceinline__ int64_t global_thread() { return int64_t(blockIdx.x) * blockDim.x + threadIdx.x; }
__device__ __forceinline__ int64_t global_stride() { return int64_t(gridDim.x) * blockDim.x; }

template <typename T>
__device__ __forceinline__ T warp_sum(T v) {
  for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_xor_sync(0xffffffffu, v, offset);
  return v;
}

template <typename T>
__device__ __forceinline__ T warp_max(T v) {
  for (int offset = 16; offset > 0; offset >>= 1) {
    const T o = __shfl_xor_sync(0xffffffffu, v, offset);
    v = o > v ? o : v;
  }
  return v;
}

// Sum over the block, returned to every thread. blockDim.x is a multiple of 32 and at most
// 1024; scratch holds 32 values. Contains barriers: every thread of the block must call it.
template <typename T>
__device__ __forceinline__ T block_sum(T v, T* scratch) {
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  v = warp_sum(v);
  __syncthreads();  // scratch may still be read by a previous call
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  T total = lane < warps ? scratch[lane] : T(0);
  return warp_sum(total);
}

template <typename T>
__device__ __forceinline__ T block_max(T v, T* scratch) {
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  v = warp_max(v);
  __syncthreads();
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  T m = lane < warps ? scratch[lane] : scratch[0];
  return warp_max(m);
}

// Dynamic shared memory as an array of T.
template <typename T>
__device__ __forceinline__ T* dynamic_shared() {
#if defined(__CUDACC__)
  extern __shared__ __align__(16) unsigned char wpc_dynamic_shared[];
  return reinterpret_cast<T*>(wpc_dynamic_shared);
#else
  return reinterpret_cast<T*>(emu::dynamic_shared());
#endif
}

// Math with one name for float and double (the f-suffixed functions for float).
__device__ __forceinline__ float wexp(float x) { return expf(x); }
__device__ __forceinline__ double wexp(double x) { return exp(x); }
__device__ __forceinline__ float wlog(float x) { return logf(x); }
__device__ __forceinline__ double wlog(double x) { return log(x); }
__device__ __forceinline__ float wtanh(float x) { return tanhf(x); }
__device__ __forceinline__ double wtanh(double x) { return tanh(x); }
__device__ __forceinline__ float werf(float x) { return erff(x); }
__device__ __forceinline__ double werf(double x) { return erf(x); }
__device__ __forceinline__ float wsqrt(float x) { return sqrtf(x); }
__device__ __forceinline__ double wsqrt(double x) { return sqrt(x); }
__device__ __forceinline__ float wpow(float x, float y) { return powf(x, y); }
__device__ __forceinline__ double wpow(double x, double y) { return pow(x, y); }
template <typename T>
__device__ __forceinline__ bool wfinite(T x) { return isfinite(x); }
template <typename T>
__host__ __device__ __forceinline__ T wmax(T a, T b) { return a > b ? a : b; }
template <typename T>
__host__ __device__ __forceinline__ T wmin(T a, T b) { return a < b ? a : b; }

template <typename T>
__device__ __forceinline__ T neg_infinity() { return -T(INFINITY); }

}  // namespace wpc
