/* Shared declarations of the weakpair C API: every kernel family header includes this. */
#pragma once
#include <stdint.h>

#ifdef __cplusplus
#define WP_EXTERN_C extern "C"
#else
#define WP_EXTERN_C
#endif
#define WP_API WP_EXTERN_C __attribute__((visibility("default")))

/* Element type codes: the same numbers as io.weakpair.tensor.DType#code(). WP_BF16 (bfloat16:
 * the upper 16 bits of a float32) is a storage type: fills, copies and casts handle it, the
 * compute kernels refuse it (docs/precision.md). */
enum wp_dtype { WP_F32 = 0, WP_F64 = 1, WP_I32 = 2, WP_I64 = 3, WP_BF16 = 4 };

/* Largest rank a strided kernel accepts. */
#define WP_MAX_DIMS 8
