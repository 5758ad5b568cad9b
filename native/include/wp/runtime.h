/* Host memory, threads and strided copies: the plumbing under every tensor. */
#pragma once
#include "wp/common.h"

/* 64-byte aligned host memory; NULL when bytes is not positive or the allocation fails. */
WP_API void* wp_host_alloc(int64_t bytes);
WP_API void wp_host_free(void* ptr);

/* Blocks of 1 MiB and more are kept in a bounded size-class cache for reuse instead of being
 * returned to the OS; these report, bound and drop it. */
WP_API void wp_host_empty_cache(void);
WP_API int64_t wp_host_cached_bytes(void);
WP_API void wp_host_set_cache_limit(int64_t bytes);

/* Threads used by the OpenMP loops and by OpenBLAS. */
WP_API void wp_set_num_threads(int32_t threads);
WP_API int32_t wp_get_num_threads(void);

/* Fill n elements of dtype with value (converted to dtype; to BF16 rounded to nearest even). */
WP_API void wp_fill(int32_t dtype, void* dst, int64_t n, double value);

/* Copy between two strided layouts of the same shape (strides in elements, may be 0 for
 * broadcast sources). Source and destination must not overlap. */
WP_API void wp_copy_strided(int32_t dtype, int32_t ndim, const int64_t* shape,
                            const void* src, const int64_t* src_strides,
                            void* dst, const int64_t* dst_strides);

/* Convert n contiguous elements between dtypes. BF16 converts to and from F32 and F64 only:
 * widening is exact, narrowing rounds to nearest, ties to even (NaN stays NaN). */
WP_API void wp_cast(int32_t src_dtype, const void* src, int32_t dst_dtype, void* dst, int64_t n);

/* Bulk transfer between a Java array (pinned by JavaCPP) and native memory. */
WP_API void wp_memcpy(void* dst, const void* src, int64_t bytes);

/* 1 if any of the n floating-point elements is NaN or infinite. */
WP_API int32_t wp_has_nonfinite(int32_t dtype, const void* src, int64_t n);
