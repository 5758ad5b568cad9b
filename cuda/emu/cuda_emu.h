// A small CUDA emulator, so the kernels in cuda/src can run on a CPU.
//
// Why: most machines that build this project have nvcc but no GPU. Compiled with a plain C++
// compiler against this header (instead of nvcc and cuda_runtime.h), the very same kernel
// sources run here: every CUDA thread of a block is a fiber on one OS thread, and the fibers
// switch only at __syncthreads, __syncwarp and the warp shuffles, so barriers and shuffles
// behave as on the GPU. The kernel test program (cuda/tests) is built against both, which
// checks the kernels' indexing, reductions and barriers on every CI run; the build against
// the real runtime then checks them on a GPU when one is there.
//
// It is strict where the GPU is forgiving:
//  - a barrier reached by only part of a block, a full-mask shuffle in a partial warp, or a
//    thread that exits while others wait at a barrier all abort with a message;
//  - between two barriers the ready threads of a block run in a shuffled order (seeded: the
//    same run twice gives the same order; WPC_EMU_SEED changes it), so a read of another
//    thread's write that lacks a barrier sees stale or poisoned data instead of passing
//    because thread 0 happened to run first;
//  - dynamic and static shared memory start filled with NaN bytes in every block;
//  - the per-block shared-memory limits of the emulated architecture (WPC_EMU_ARCH = 80, the
//    default, or 90; emu::set_arch) are enforced: above 48 KiB of dynamic shared memory a
//    launch needs cudaFuncSetAttribute(MaxDynamicSharedMemorySize), which is refused above
//    the opt-in limit (sm_80: 163 KiB, sm_90: 227 KiB), as cudaDevAttrMaxSharedMemoryPerBlockOptin
//    reports.
// What it cannot catch is listed in cuda/README.md ("What the emulator cannot catch").
// Memory is host memory, streams are ignored (all work is synchronous), atomics are plain
// read-modify-writes (one OS thread runs everything).
#pragma once
#include <math.h>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <tuple>
#include <type_traits>
#include <utility>
#include "wpc/common.h"

#define WPC_EMULATED 1
#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __noinline__
// Kernels run one block at a time, so a function-level static is per-block shared memory. All
// of them live in one section, which the emulator fills with NaN bytes before every block.
#define __shared__ __attribute__((section("wpc_emu_shared"))) static
#define __launch_bounds__(...)
#define __align__(n) alignas(n)

struct dim3 {
  unsigned x, y, z;
  constexpr dim3(unsigned x_ = 1, unsigned y_ = 1, unsigned z_ = 1) : x(x_), y(y_), z(z_) {}
};
struct uint3 {
  unsigned x, y, z;
};

enum cudaError {
  cudaSuccess = 0,
  cudaErrorInvalidValue = 1,
  cudaErrorMemoryAllocation = 2,
  cudaErrorInvalidConfiguration = 9,
  cudaErrorNoDevice = 100,
};
typedef enum cudaError cudaError_t;

enum cudaMemcpyKind {
  cudaMemcpyHostToHost = 0,
  cudaMemcpyHostToDevice = 1,
  cudaMemcpyDeviceToHost = 2,
  cudaMemcpyDeviceToDevice = 3,
  cudaMemcpyDefault = 4
};

enum cudaDeviceAttr {
  cudaDevAttrMaxThreadsPerBlock = 1,
  cudaDevAttrMaxSharedMemoryPerBlock = 8,
  cudaDevAttrMultiProcessorCount = 16,
  cudaDevAttrMaxSharedMemoryPerBlockOptin = 97
};

enum cudaFuncAttribute { cudaFuncAttributeMaxDynamicSharedMemorySize = 8 };

struct CUevent_st;
typedef struct CUevent_st* cudaEvent_t;

cudaError_t cudaMalloc(void** ptr, size_t bytes);
template <typename T>
inline cudaError_t cudaMalloc(T** ptr, size_t bytes) { return cudaMalloc(reinterpret_cast<void**>(ptr), bytes); }
cudaError_t cudaFree(void* ptr);
cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind);
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t stream = nullptr);
cudaError_t cudaMemset(void* dst, int value, size_t bytes);
cudaError_t cudaMemsetAsync(void* dst, int value, size_t bytes, cudaStream_t stream = nullptr);
cudaError_t cudaStreamCreate(cudaStream_t* stream);
cudaError_t cudaStreamDestroy(cudaStream_t stream);
cudaError_t cudaStreamSynchronize(cudaStream_t stream);
cudaError_t cudaDeviceSynchronize();
cudaError_t cudaGetLastError();
cudaError_t cudaPeekAtLastError();
const char* cudaGetErrorString(cudaError_t error);
cudaError_t cudaGetDeviceCount(int* count);
cudaError_t cudaGetDevice(int* device);
cudaError_t cudaSetDevice(int device);
cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device);
cudaError_t cudaRuntimeGetVersion(int* version);
cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes);
cudaError_t cudaEventCreate(cudaEvent_t* event);
cudaError_t cudaEventDestroy(cudaEvent_t event);
cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream = nullptr);
cudaError_t cudaEventSynchronize(cudaEvent_t event);
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end);

namespace emu {

// The architecture the emulator stands in for (80 or 90; WPC_EMU_ARCH, default 80) and its
// per-block shared-memory limit with opt-in, in bytes. set_arch throws on another value.
int arch();
void set_arch(int sm);
int shared_optin_limit();
constexpr int kSharedDefaultLimit = 48 * 1024;

// cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes): refused, as
// on a GPU, when bytes plus the kernel's static shared memory exceed the opt-in limit.
cudaError_t set_max_dynamic_shared(const void* kernel, int bytes);

// A kernel's static __shared__ bytes as cudaFuncGetAttributes reports them. Here: the size of the
// one section that holds the statics the emulator poisons (every kernel's, together), so never
// less than any one kernel's there.
size_t static_shared_bytes();

// The coordinates of the fiber that is running now.
uint3& thread_idx();
uint3& block_idx();
dim3& block_dim();
dim3& grid_dim();
// This block's dynamic shared memory (the launch's third argument).
unsigned char* dynamic_shared();

void block_barrier();
void warp_barrier(unsigned mask);
// Aborts unless mask names all 32 lanes and this thread's warp has 32 threads.
void check_full_warp(unsigned mask);
// Every lane stores its value (bytes <= 16), the warp waits, each lane copies all 32 values.
void warp_gather(const void* value, size_t bytes, void* all_out);
// The same, keeping only lane src_lane's value.
void warp_exchange(const void* value, size_t bytes, int src_lane, void* out);
int lane_id();

// Tests only: run only the blocks for which filter(x, y, z) is true (an empty filter: all), so a
// grid too large to emulate whole (65,538 blocks of 256 fibers) can be checked at the blocks
// that matter; the skipped blocks' outputs stay as they were.
void set_block_filter(std::function<bool(unsigned, unsigned, unsigned)> filter);

// Runs body once per thread of every block of the grid (blocks in turn, threads as fibers);
// kernel identifies the kernel for its shared-memory attribute.
void run_grid(const void* kernel, dim3 grid, dim3 block, size_t shared_bytes, const std::function<void()>& body);

}  // namespace emu

struct cudaFuncAttributes {
  size_t sharedSizeBytes;
  int maxThreadsPerBlock;
};
template <typename K>
inline cudaError_t cudaFuncGetAttributes(cudaFuncAttributes* attr, K*) {
  attr->sharedSizeBytes = ::emu::static_shared_bytes();
  attr->maxThreadsPerBlock = 1024;
  return cudaSuccess;
}

template <typename K>
inline cudaError_t cudaFuncSetAttribute(K* kernel, cudaFuncAttribute attr, int value) {
  if (attr != cudaFuncAttributeMaxDynamicSharedMemorySize) return cudaErrorInvalidValue;
  return ::emu::set_max_dynamic_shared(reinterpret_cast<const void*>(kernel), value);
}

#define threadIdx (::emu::thread_idx())
#define blockIdx (::emu::block_idx())
#define blockDim (::emu::block_dim())
#define gridDim (::emu::grid_dim())

inline void __syncthreads() { ::emu::block_barrier(); }
inline void __syncwarp(unsigned mask = 0xffffffffu) { ::emu::warp_barrier(mask); }
inline void __threadfence() {}

// The shuffles need every lane of a complete warp (full mask), as all kernels here use them.
template <typename T>
inline T __shfl_sync(unsigned mask, T v, int src, int width = 32) {
  ::emu::check_full_warp(mask);
  const int lane = ::emu::lane_id();
  const int base = lane / width * width;
  T r;
  ::emu::warp_exchange(&v, sizeof(T), base + ((src % width) + width) % width, &r);
  return r;
}
template <typename T>
inline T __shfl_xor_sync(unsigned mask, T v, int lane_mask, int width = 32) {
  ::emu::check_full_warp(mask);
  const int lane = ::emu::lane_id();
  int src = lane ^ lane_mask;
  if (src / width != lane / width) src = lane;
  T r;
  ::emu::warp_exchange(&v, sizeof(T), src, &r);
  return r;
}
template <typename T>
inline T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = 32) {
  ::emu::check_full_warp(mask);
  const int lane = ::emu::lane_id();
  int src = lane + int(delta);
  if (src / width != lane / width) src = lane;
  T r;
  ::emu::warp_exchange(&v, sizeof(T), src, &r);
  return r;
}
inline unsigned __ballot_sync(unsigned mask, int predicate) {
  ::emu::check_full_warp(mask);
  const int mine = predicate ? 1 : 0;
  int all[32];
  ::emu::warp_gather(&mine, sizeof(int), all);
  unsigned result = 0;
  for (int l = 0; l < 32; ++l)
    if (all[l]) result |= 1u << l;
  return result;
}

// One OS thread runs every fiber and fibers switch only at barriers: plain updates are atomic.
template <typename T>
inline T atomicAdd(T* address, T value) {
  T old = *address;
  *address = old + value;
  return old;
}
template <typename T>
inline T atomicMin(T* address, T value) {
  T old = *address;
  if (value < old) *address = value;
  return old;
}
template <typename T>
inline T atomicMax(T* address, T value) {
  T old = *address;
  if (value > old) *address = value;
  return old;
}
template <typename T>
inline T atomicOr(T* address, T value) {
  T old = *address;
  *address = old | value;
  return old;
}
template <typename T>
inline T atomicExch(T* address, T value) {
  T old = *address;
  *address = value;
  return old;
}
template <typename T>
inline T atomicCAS(T* address, T compare, T value) {
  T old = *address;
  if (old == compare) *address = value;
  return old;
}

inline float rsqrtf(float x) { return 1.0f / std::sqrt(x); }
inline double rsqrt(double x) { return 1.0 / std::sqrt(x); }
using std::isfinite;
using std::isnan;

namespace emu {
// kernel<<<grid, block, shared, stream>>>(args...): arguments are copied once, as the GPU does.
template <typename... P, typename... A>
inline void launch(void (*kernel)(P...), dim3 grid, dim3 block, size_t shared_bytes, cudaStream_t, A&&... args) {
  std::tuple<std::decay_t<P>...> params(static_cast<std::decay_t<P>>(std::forward<A>(args))...);
  run_grid(reinterpret_cast<const void*>(kernel), grid, block, shared_bytes, [&] { std::apply(kernel, params); });
}
}  // namespace emu
