// Device queries, fills, strided copies, casts and the non-finite check.
#include "kernel_util.cuh"
#include "strided.cuh"
#include "wpc/runtime.h"

#ifndef WPC_ARCHS
#define WPC_ARCHS "unknown"
#endif

namespace wpc {

int multiprocessors() {
  static int cached[64] = {0};
  int device = 0;
  check(cudaGetDevice(&device), "multiprocessors", "cudaGetDevice");
  if (device < 0 || device >= 64) return 32;
  if (cached[device] == 0) {
    int count = 0;
    check(cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device), "multiprocessors",
          "cudaDeviceGetAttribute");
    cached[device] = count > 0 ? count : 1;
  }
  return cached[device];
}

int max_shared_optin() {
  int device = 0;
  check(cudaGetDevice(&device), "max_shared_optin", "cudaGetDevice");
#if !defined(WPC_EMULATED)  // the emulator is not cached: its tests switch the emulated architecture
  static int cached[64] = {0};
  if (device >= 0 && device < 64 && cached[device] > 0) return cached[device];
#endif
  int bytes = 0;
  check(cudaDeviceGetAttribute(&bytes, cudaDevAttrMaxSharedMemoryPerBlockOptin, device), "max_shared_optin",
        "cudaDeviceGetAttribute");
#if !defined(WPC_EMULATED)
  if (device >= 0 && device < 64) cached[device] = bytes;
#endif
  return bytes;
}

namespace {

template <typename T>
__global__ void fill_kernel(T* dst, int64_t n, T value) {
  for (int64_t i = global_thread(); i < n; i += global_stride()) dst[i] = value;
}

template <typename T, typename I>
__global__ void copy_strided_kernel(Strided<2> L, const T* __restrict__ src, T* __restrict__ dst) {
  for (int64_t i = global_thread(); i < L.numel; i += global_stride()) {
    int64_t off[2];
    L.offsets(I(i), off);
    dst[off[1]] = src[off[0]];
  }
}

template <typename S, typename D>
__global__ void cast_kernel(const S* __restrict__ src, D* __restrict__ dst, int64_t n) {
  for (int64_t i = global_thread(); i < n; i += global_stride()) dst[i] = static_cast<D>(src[i]);
}

template <typename T>
__global__ void nonfinite_kernel(const T* __restrict__ src, int64_t n, int32_t* flag) {
  bool found = false;
  for (int64_t i = global_thread(); i < n; i += global_stride()) found |= !wfinite(src[i]);
  if (found) *flag = 1;  // every writer stores the same value
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API int32_t wpc_device_count(void) {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear it: a failed query must not poison the next launch check
    return -int32_t(e);
  }
  return count;
}

WP_API const char* wpc_error_string(int32_t code) { return cudaGetErrorString(static_cast<cudaError_t>(code)); }

WP_API const char* wpc_build_archs(void) {
#if defined(WPC_EMULATED)
  return "emulator";
#else
  return WPC_ARCHS;
#endif
}

WP_API int32_t wpc_is_gpu_build(void) {
#if defined(WPC_EMULATED)
  return 0;
#else
  return 1;
#endif
}

WP_API void wpc_fill(int32_t dtype, void* dst, int64_t n, double value, cudaStream_t stream) {
  if (n <= 0) return;
  dispatch_any(dtype, "fill", [&](auto zero) {
    using T = decltype(zero);
    launch("fill", fill_kernel<T>, grid_stride_blocks(n), kThreads, 0, stream, static_cast<T*>(dst), n,
           static_cast<T>(value));
  });
}

WP_API void wpc_copy_strided(int32_t dtype, int32_t ndim, const int64_t* shape, const void* src,
                             const int64_t* src_strides, void* dst, const int64_t* dst_strides, cudaStream_t stream) {
  const int64_t* strides[2] = {src_strides, dst_strides};
  const Strided<2> L = Strided<2>::make(ndim, shape, strides, "copy");
  if (L.numel == 0) return;
  dispatch_any(dtype, "copy", [&](auto zero) {
    using T = decltype(zero);
    const T* s = static_cast<const T*>(src);
    T* d = static_cast<T*>(dst);
    if (L.contiguous()) {
      check(cudaMemcpyAsync(d, s, sizeof(T) * L.numel, cudaMemcpyDeviceToDevice, stream), "copy", "cudaMemcpyAsync");
    } else {
      if (L.numel <= INT32_MAX)
        launch("copy", copy_strided_kernel<T, int32_t>, grid_stride_blocks(L.numel), kThreads, 0, stream, L, s, d);
      else
        launch("copy", copy_strided_kernel<T, int64_t>, grid_stride_blocks(L.numel), kThreads, 0, stream, L, s, d);
    }
  });
}

WP_API void wpc_cast(int32_t src_dtype, const void* src, int32_t dst_dtype, void* dst, int64_t n, cudaStream_t stream) {
  if (n <= 0) return;
  dispatch_any(src_dtype, "cast", [&](auto s0) {
    using S = decltype(s0);
    dispatch_any(dst_dtype, "cast", [&](auto d0) {
      using D = decltype(d0);
      launch("cast", cast_kernel<S, D>, grid_stride_blocks(n), kThreads, 0, stream, static_cast<const S*>(src),
             static_cast<D*>(dst), n);
    });
  });
}

WP_API void wpc_has_nonfinite(int32_t dtype, const void* src, int64_t n, int32_t* flag, cudaStream_t stream) {
  check(cudaMemsetAsync(flag, 0, sizeof(int32_t), stream), "has_nonfinite", "cudaMemsetAsync");
  if (n <= 0) return;
  dispatch_float(dtype, "has_nonfinite", [&](auto zero) {
    using T = decltype(zero);
    launch("has_nonfinite", nonfinite_kernel<T>, grid_stride_blocks(n), kThreads, 0, stream,
           static_cast<const T*>(src), n, flag);
  });
}

WP_API void wpc_set_device(int32_t device) { check(cudaSetDevice(device), "set_device", "cudaSetDevice"); }

WP_API void* wpc_malloc(int64_t bytes) {
  if (bytes <= 0) bytes = 1;
  void* p = nullptr;
  const cudaError_t e = cudaMalloc(&p, size_t(bytes));
  if (e == cudaErrorMemoryAllocation) {
    cudaGetLastError();  // out of memory is not sticky: clear it so the caller can retry
    return nullptr;
  }
  check(e, "malloc", "cudaMalloc");
  return p;
}

WP_API void wpc_free(void* ptr) {
  if (ptr) check(cudaFree(ptr), "free", "cudaFree");
}

WP_API void wpc_memcpy(void* dst, const void* src, int64_t bytes, cudaStream_t stream) {
  if (bytes <= 0) return;
  check(cudaMemcpyAsync(dst, src, size_t(bytes), cudaMemcpyDefault, stream), "memcpy", "cudaMemcpyAsync");
  check(cudaStreamSynchronize(stream), "memcpy", "cudaStreamSynchronize");
}

WP_API void wpc_memcpy_async(void* dst, const void* src, int64_t bytes, cudaStream_t stream) {
  if (bytes <= 0) return;
  check(cudaMemcpyAsync(dst, src, size_t(bytes), cudaMemcpyDefault, stream), "memcpy_async", "cudaMemcpyAsync");
}

WP_API void wpc_memset_async(void* dst, int32_t value, int64_t bytes, cudaStream_t stream) {
  if (bytes <= 0) return;
  check(cudaMemsetAsync(dst, value, size_t(bytes), stream), "memset_async", "cudaMemsetAsync");
}

WP_API cudaStream_t wpc_stream_create(void) {
  cudaStream_t s = nullptr;
#if defined(WPC_EMULATED)
  check(cudaStreamCreate(&s), "stream_create", "cudaStreamCreate");
#else
  check(cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking), "stream_create", "cudaStreamCreateWithFlags");
#endif
  return s;
}

WP_API void wpc_stream_destroy(cudaStream_t stream) {
  if (stream) check(cudaStreamDestroy(stream), "stream_destroy", "cudaStreamDestroy");
}

WP_API void wpc_stream_synchronize(cudaStream_t stream) {
  check(cudaStreamSynchronize(stream), "stream_synchronize", "cudaStreamSynchronize (an earlier kernel failed)");
}

WP_API void* wpc_event_create(void) {
  cudaEvent_t e = nullptr;
  check(cudaEventCreate(&e), "event_create", "cudaEventCreate");
  return e;
}

WP_API void wpc_event_destroy(void* event) {
  if (event) check(cudaEventDestroy(static_cast<cudaEvent_t>(event)), "event_destroy", "cudaEventDestroy");
}

WP_API void wpc_event_record(void* event, cudaStream_t stream) {
  check(cudaEventRecord(static_cast<cudaEvent_t>(event), stream), "event_record", "cudaEventRecord");
}

WP_API float wpc_event_elapsed_ms(void* start, void* end) {
  check(cudaEventSynchronize(static_cast<cudaEvent_t>(end)), "event_elapsed_ms", "cudaEventSynchronize");
  float ms = 0;
  check(cudaEventElapsedTime(&ms, static_cast<cudaEvent_t>(start), static_cast<cudaEvent_t>(end)), "event_elapsed_ms",
        "cudaEventElapsedTime");
  return ms;
}

WP_API void wpc_device_info(int32_t device, char* name, int32_t name_bytes, int64_t* info) {
  int previous = 0;
  check(cudaGetDevice(&previous), "device_info", "cudaGetDevice");
  check(cudaSetDevice(device), "device_info", "cudaSetDevice");
  size_t free_bytes = 0, total_bytes = 0;
  check(cudaMemGetInfo(&free_bytes, &total_bytes), "device_info", "cudaMemGetInfo");
  int sms = 0, major = 0, minor = 0, driver = 0, runtime = 0;
#if defined(WPC_EMULATED)
  const char* device_name = "CPU emulator";
  major = emu::arch() / 10;  // the emulated architecture (WPC_EMU_ARCH)
  minor = emu::arch() % 10;
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
#else
  cudaDeviceProp prop;
  check(cudaGetDeviceProperties(&prop, device), "device_info", "cudaGetDeviceProperties");
  const char* device_name = prop.name;
  sms = prop.multiProcessorCount;
  major = prop.major;
  minor = prop.minor;
  check(cudaDriverGetVersion(&driver), "device_info", "cudaDriverGetVersion");
#endif
  check(cudaRuntimeGetVersion(&runtime), "device_info", "cudaRuntimeGetVersion");
  cudaSetDevice(previous);
  if (name && name_bytes > 0) {
    int i = 0;
    for (; i < name_bytes - 1 && device_name[i]; ++i) name[i] = device_name[i];
    name[i] = 0;
  }
  const int64_t values[7] = {int64_t(total_bytes), int64_t(free_bytes), sms, major, minor, driver, runtime};
  for (int i = 0; i < 7; ++i) info[i] = values[i];
}
