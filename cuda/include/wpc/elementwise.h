/* Elementwise arithmetic on the GPU: the CUDA twin of wp/elementwise.h (same op codes). */
#pragma once
#include "wpc/common.h"
#include "wp/elementwise.h"

/* out = a (op) b over a strided index space; broadcast operands carry stride 0. out may alias
 * a or b only when all three have identical strides (in-place update). */
WP_API void wpc_binary(int32_t op, int32_t dtype, int32_t ndim, const int64_t* shape,
                       const void* a, const int64_t* a_strides,
                       const void* b, const int64_t* b_strides,
                       void* out, const int64_t* out_strides, cudaStream_t stream);

/* y = f(x) over n contiguous elements; y may alias x. */
WP_API void wpc_unary(int32_t op, int32_t dtype, int64_t n, const void* x, void* y, double alpha, double beta,
                      cudaStream_t stream);

/* gx = gy * f'(x) over n contiguous elements, given the forward input x and output y. gx may alias gy. */
WP_API void wpc_unary_backward(int32_t op, int32_t dtype, int64_t n, const void* x, const void* y,
                               const void* gy, void* gx, double alpha, cudaStream_t stream);

/* out[o, i] = scale * sum_a x[o, a, i] for x contiguous [outer, axis, inner]. */
WP_API void wpc_reduce_sum(int32_t dtype, int64_t outer, int64_t axis, int64_t inner,
                           const void* x, void* out, double scale, cudaStream_t stream);

/* Sum of squares of n contiguous elements, accumulated in double into *out (a device double):
 * *out = sum, or *out += sum when accumulate is nonzero (a gradient norm over many tensors
 * then needs one read-back at the end). */
WP_API void wpc_sum_squares(int32_t dtype, int64_t n, const void* x, double* out, int32_t accumulate,
                            cudaStream_t stream);

/* Fused bias + GELU: y[r, c] = gelu(x[r, c] + bias[c]) for x, y [rows, n] and bias [n], as
 * wp_bias_gelu. y may alias x. */
WP_API void wpc_bias_gelu(int32_t dtype, int64_t rows, int64_t n, const void* x, const void* bias, void* y,
                          cudaStream_t stream);

/* Bytes of device workspace wpc_bias_gelu_backward needs for a bias gradient: per-chunk column
 * sums in double, at most 512 * n * 8. */
WP_API int64_t wpc_bias_gelu_backward_workspace_bytes(int32_t dtype, int64_t rows, int64_t n);

/* The backward, as wp_bias_gelu_backward. The column sums are summed per row chunk in double
 * into the workspace, then over the chunks in a fixed order: deterministic. The workspace
 * (workspace_bytes from the function above) is needed only when dbias is not NULL. */
WP_API void wpc_bias_gelu_backward(int32_t dtype, int64_t rows, int64_t n, const void* x, const void* bias,
                                   const void* dy, void* dx, void* dbias, void* workspace, int64_t workspace_bytes,
                                   cudaStream_t stream);
