/* Elementwise arithmetic: broadcasting binary ops, unary ops and their derivatives. */
#pragma once
#include "wp/common.h"

/* Binary op codes: the same numbers as io.weakpair.backend.BinaryOp#code(). */
enum wp_binary_op { WP_ADD = 0, WP_SUB = 1, WP_MUL = 2, WP_DIV = 3 };

/* out = a (op) b over a strided index space; broadcast operands carry stride 0. out may alias
 * a or b only when all three have identical strides (in-place update). */
WP_API void wp_binary(int32_t op, int32_t dtype, int32_t ndim, const int64_t* shape,
                      const void* a, const int64_t* a_strides,
                      const void* b, const int64_t* b_strides,
                      void* out, const int64_t* out_strides);

/* Unary op codes: the same numbers as io.weakpair.backend.UnaryOp#code(). */
enum wp_unary_op {
  WP_AFFINE = 0, /* y = alpha * x + beta */
  WP_NEG = 1,
  WP_EXP = 2,
  WP_LOG = 3,
  WP_TANH = 4,
  WP_GELU = 5,   /* erf form: x/2 * (1 + erf(x / sqrt 2)) */
  WP_SQRT = 6,
  WP_SQUARE = 7,
  WP_RELU = 8
};

/* y = f(x) over n contiguous elements; y may alias x. */
WP_API void wp_unary(int32_t op, int32_t dtype, int64_t n, const void* x, void* y, double alpha, double beta);

/* gx = gy * f'(x) over n contiguous elements, given the forward input x and output y
 * (each op reads the one its derivative is cheapest from). gx may alias gy. */
WP_API void wp_unary_backward(int32_t op, int32_t dtype, int64_t n, const void* x, const void* y,
                              const void* gy, void* gx, double alpha);

/* out[o, i] = scale * sum_a x[o, a, i] for x contiguous [outer, axis, inner]. */
WP_API void wp_reduce_sum(int32_t dtype, int64_t outer, int64_t axis, int64_t inner,
                          const void* x, void* out, double scale);

/* Sum of squares of n contiguous elements, accumulated in double. */
WP_API double wp_sum_squares(int32_t dtype, int64_t n, const void* x);

/* Fused bias + GELU, the epilogue of a linear layer whose GEMM ran without its bias:
 * y[r, c] = gelu(x[r, c] + bias[c]) for x and y [rows, n] contiguous and bias [n], with the sum
 * rounded to the dtype and then GELU exactly as wp_unary's WP_GELU (the erf form), so the result
 * equals the unfused add then gelu. y may alias x. rows >= 0 and n >= 0. */
WP_API void wp_bias_gelu(int32_t dtype, int64_t rows, int64_t n, const void* x, const void* bias, void* y);

/* Its backward, given the forward's x and bias: dx = dy * gelu'(x + bias) (wp_unary_backward's
 * WP_GELU derivative) and dbias[c] = sum over rows of dx[r, c], the column sums accumulated in
 * double from per-thread partial sums (deterministic for a given thread count). dx may alias
 * dy; dbias may be NULL (no bias gradient); rows = 0 gives dbias = 0. */
WP_API void wp_bias_gelu_backward(int32_t dtype, int64_t rows, int64_t n, const void* x, const void* bias,
                                  const void* dy, void* dx, void* dbias);
