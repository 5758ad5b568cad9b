/* Device queries, fills, strided copies and casts on the GPU: the CUDA twin of wp/runtime.h.
 * Memory itself is allocated by the Java CUDA backend (a caching allocator on cudaMalloc). */
#pragma once
#include "wpc/common.h"

/* Number of CUDA devices this library's runtime sees, or -(cudaError_t) when it cannot tell
 * (no driver: the runtime's "insufficient driver" error, and so on). Never throws. */
WP_API int32_t wpc_device_count(void);

/* The CUDA runtime's message for an error code (as returned negated by wpc_device_count). */
WP_API const char* wpc_error_string(int32_t code);

/* The GPU architectures this library was compiled for, e.g. "80;90" ("emulator" when built
 * for the CPU emulator). */
WP_API const char* wpc_build_archs(void);

/* 1 when the kernels run on a GPU, 0 in the CPU-emulator build used by the tests. */
WP_API int32_t wpc_is_gpu_build(void);

/* ---- device memory, streams and events: thin wrappers of the CUDA runtime, so the Java
 * backend needs no other CUDA library for them (the runtime is linked statically into this
 * library, which then needs only the driver, libcuda.so.1). Errors throw std::runtime_error. */

/* Makes device the calling thread's current device. */
WP_API void wpc_set_device(int32_t device);

/* Device memory (256-byte aligned), or NULL when the device is out of memory. */
WP_API void* wpc_malloc(int64_t bytes);

/* Frees memory from wpc_malloc (cudaFree: waits for the device). */
WP_API void wpc_free(void* ptr);

/* Copies bytes between any two of host and device memory, after the work queued on stream,
 * and returns when the copy is done (so host buffers may be reused at once). */
WP_API void wpc_memcpy(void* dst, const void* src, int64_t bytes, cudaStream_t stream);

/* Queues a copy between device buffers (or pinned host memory) on stream. */
WP_API void wpc_memcpy_async(void* dst, const void* src, int64_t bytes, cudaStream_t stream);

/* Queues dst[0, bytes) = value (a byte) on stream. */
WP_API void wpc_memset_async(void* dst, int32_t value, int64_t bytes, cudaStream_t stream);

/* A new non-blocking stream on the current device. */
WP_API cudaStream_t wpc_stream_create(void);
WP_API void wpc_stream_destroy(cudaStream_t stream);

/* Waits for the stream; throws with the error of any failed work queued on it. */
WP_API void wpc_stream_synchronize(cudaStream_t stream);

/* Events for timing: record on a stream, then the milliseconds between two (waits for end). */
WP_API void* wpc_event_create(void);
WP_API void wpc_event_destroy(void* event);
WP_API void wpc_event_record(void* event, cudaStream_t stream);
WP_API float wpc_event_elapsed_ms(void* start, void* end);

/* Facts about a device: writes its name (NUL-terminated, at most name_bytes) and
 * info = {total memory bytes, free memory bytes, multiprocessors, compute capability major,
 * minor, driver version, runtime version}. */
WP_API void wpc_device_info(int32_t device, char* name, int32_t name_bytes, int64_t* info);

/* ---- kernels */

/* Fill n elements of dtype with value (converted to dtype). */
WP_API void wpc_fill(int32_t dtype, void* dst, int64_t n, double value, cudaStream_t stream);

/* Copy between two strided layouts of the same shape (strides in elements, may be 0 for
 * broadcast sources). Source and destination must not overlap. */
WP_API void wpc_copy_strided(int32_t dtype, int32_t ndim, const int64_t* shape,
                             const void* src, const int64_t* src_strides,
                             void* dst, const int64_t* dst_strides, cudaStream_t stream);

/* Convert n contiguous elements between dtypes. */
WP_API void wpc_cast(int32_t src_dtype, const void* src, int32_t dst_dtype, void* dst, int64_t n,
                     cudaStream_t stream);

/* *flag (device int32) = 1 if any of the n floating-point elements is NaN or infinite, else 0. */
WP_API void wpc_has_nonfinite(int32_t dtype, const void* src, int64_t n, int32_t* flag, cudaStream_t stream);
