// Broadcasting binary ops, unary ops with their derivatives, and axis reductions.
#include <cmath>
#include <vector>
#include <type_traits>
#include "fast_exp.h"
#include "kernel_util.h"
#include "wp/elementwise.h"

using namespace wp;

namespace {

template <typename T, int Op>
inline T apply_binary(T a, T b) {
  if constexpr (Op == WP_ADD) return a + b;
  else if constexpr (Op == WP_SUB) return a - b;
  else if constexpr (Op == WP_MUL) return a * b;
  else return a / b;
}

// The inner loop is specialised for the unit/zero stride combinations that broadcasting
// produces, so the common cases (same shape, scalar, bias row) vectorise. Hot loops live in
// WP_HOT functions called from the parallel lambdas (a lambda would not get the clones).
template <typename T, int Op>
WP_HOT void binary_rows(const StridedLayout<3>& L, const T* a, const T* b, T* out, int64_t begin, int64_t end) {
  const int64_t inner = L.inner();
  const int last = L.ndim - 1;
  const int64_t as = L.strides[0][last], bs = L.strides[1][last], os = L.strides[2][last];
  int64_t off[3];
  for (int64_t row = begin; row < end; ++row) {
    L.offsets(row, off);
    const T* pa = a + off[0];
    const T* pb = b + off[1];
    T* po = out + off[2];
    if (os == 1 && as == 1 && bs == 1) {
      for (int64_t i = 0; i < inner; ++i) po[i] = apply_binary<T, Op>(pa[i], pb[i]);
    } else if (os == 1 && as == 1 && bs == 0) {
      const T vb = pb[0];
      for (int64_t i = 0; i < inner; ++i) po[i] = apply_binary<T, Op>(pa[i], vb);
    } else if (os == 1 && as == 0 && bs == 1) {
      const T va = pa[0];
      for (int64_t i = 0; i < inner; ++i) po[i] = apply_binary<T, Op>(va, pb[i]);
    } else {
      for (int64_t i = 0; i < inner; ++i) po[i * os] = apply_binary<T, Op>(pa[i * as], pb[i * bs]);
    }
  }
}

template <typename T, int Op>
void binary_kernel(const StridedLayout<3>& L, const T* a, const T* b, T* out) {
  parallel_chunks(L.outer_count(), L.inner(),
                  [&](int64_t begin, int64_t end) { binary_rows<T, Op>(L, a, b, out, begin, end); });
}

template <typename T>
void binary_dispatch(int32_t op, const StridedLayout<3>& L, const void* a, const void* b, void* out) {
  const T* pa = static_cast<const T*>(a);
  const T* pb = static_cast<const T*>(b);
  T* po = static_cast<T*>(out);
  switch (op) {
    case WP_ADD: binary_kernel<T, WP_ADD>(L, pa, pb, po); break;
    case WP_SUB: binary_kernel<T, WP_SUB>(L, pa, pb, po); break;
    case WP_MUL: binary_kernel<T, WP_MUL>(L, pa, pb, po); break;
    case WP_DIV: binary_kernel<T, WP_DIV>(L, pa, pb, po); break;
    default: fail("binary: unknown op code " + std::to_string(op));
  }
}

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

// GELU (erf form) and its derivative, shared by the unary op and the fused bias + GELU so that
// both round the same way. Double keeps std::erf (the gradient checks run in double). Float
// uses a form the compiler vectorises (std::erf is a scalar libm call): the normal CDF from
// erfc(z) = t exp(-z^2 + P(t)), t = 1 / (1 + z / 2), whose fractional error is below 1.2e-7
// for every z >= 0 (the Chebyshev fit of Numerical Recipes' erfcc), with the project's
// vectorisable exp. Being relative, the error stays small in the far negative tail too, where
// 1 + erf(x / sqrt 2) is tiny and an absolute erf approximation would lose every digit.
inline float normal_upper_tail_half(float z) {  // erfc(z) / 2 for z >= 0
  const float t = 1.0f / (1.0f + 0.5f * z);
  const float p = -1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f +
                  t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f))))))));
  return 0.5f * t * fast_expf(-z * z + p);
}

inline float normal_cdf(float x) {  // Phi(x) = P(N(0, 1) <= x)
  const float tail = normal_upper_tail_half(std::fabs(x) * float(kInvSqrt2));
  return x >= 0.0f ? 1.0f - tail : tail;
}

template <typename T>
inline T gelu_value(T x) {
  if constexpr (std::is_same_v<T, float>) return x * normal_cdf(x);
  else return T(0.5) * x * (T(1) + std::erf(x * T(kInvSqrt2)));
}

template <typename T>
inline T gelu_slope(T x) {
  if constexpr (std::is_same_v<T, float>) return normal_cdf(x) + x * float(kInvSqrt2Pi) * fast_expf(-0.5f * x * x);
  const T cdf = T(0.5) * (T(1) + std::erf(x * T(kInvSqrt2)));
  const T pdf = T(kInvSqrt2Pi) * std::exp(T(-0.5) * x * x);
  return cdf + x * pdf;
}

template <typename T>
WP_HOT void unary_range(int32_t op, int64_t b, int64_t e, const T* x, T* y, T alpha, T beta) {
    switch (op) {
      case WP_AFFINE: for (int64_t i = b; i < e; ++i) y[i] = alpha * x[i] + beta; break;
      case WP_NEG: for (int64_t i = b; i < e; ++i) y[i] = -x[i]; break;
      case WP_EXP: for (int64_t i = b; i < e; ++i) y[i] = std::exp(x[i]); break;
      case WP_LOG: for (int64_t i = b; i < e; ++i) y[i] = std::log(x[i]); break;
      case WP_TANH: for (int64_t i = b; i < e; ++i) y[i] = std::tanh(x[i]); break;
      case WP_GELU: for (int64_t i = b; i < e; ++i) y[i] = gelu_value(x[i]); break;
      case WP_SQRT: for (int64_t i = b; i < e; ++i) y[i] = std::sqrt(x[i]); break;
      case WP_SQUARE: for (int64_t i = b; i < e; ++i) y[i] = x[i] * x[i]; break;
      case WP_RELU: for (int64_t i = b; i < e; ++i) y[i] = x[i] > T(0) ? x[i] : T(0); break;
      default: fail("unary: unknown op code " + std::to_string(op));
    }
}

template <typename T>
void unary_kernel(int32_t op, int64_t n, const T* x, T* y, T alpha, T beta) {
  if (op < WP_AFFINE || op > WP_RELU) fail("unary: unknown op code " + std::to_string(op));
  parallel_chunks(n, 8, [&](int64_t b, int64_t e) { unary_range<T>(op, b, e, x, y, alpha, beta); });
}

template <typename T>
WP_HOT void unary_backward_range(int32_t op, int64_t b, int64_t e, const T* x, const T* y, const T* gy, T* gx,
                                 T alpha) {
    switch (op) {
      case WP_AFFINE: for (int64_t i = b; i < e; ++i) gx[i] = alpha * gy[i]; break;
      case WP_NEG: for (int64_t i = b; i < e; ++i) gx[i] = -gy[i]; break;
      case WP_EXP: for (int64_t i = b; i < e; ++i) gx[i] = gy[i] * y[i]; break;
      case WP_LOG: for (int64_t i = b; i < e; ++i) gx[i] = gy[i] / x[i]; break;
      case WP_TANH: for (int64_t i = b; i < e; ++i) gx[i] = gy[i] * (T(1) - y[i] * y[i]); break;
      case WP_GELU: for (int64_t i = b; i < e; ++i) gx[i] = gy[i] * gelu_slope(x[i]); break;
      case WP_SQRT: for (int64_t i = b; i < e; ++i) gx[i] = gy[i] * T(0.5) / y[i]; break;
      case WP_SQUARE: for (int64_t i = b; i < e; ++i) gx[i] = gy[i] * T(2) * x[i]; break;
      case WP_RELU: for (int64_t i = b; i < e; ++i) gx[i] = x[i] > T(0) ? gy[i] : T(0); break;
      default: fail("unary_backward: unknown op code " + std::to_string(op));
    }
}

template <typename T>
void unary_backward_kernel(int32_t op, int64_t n, const T* x, const T* y, const T* gy, T* gx, T alpha) {
  if (op < WP_AFFINE || op > WP_RELU) fail("unary_backward: unknown op code " + std::to_string(op));
  parallel_chunks(n, 8, [&](int64_t b, int64_t e) { unary_backward_range<T>(op, b, e, x, y, gy, gx, alpha); });
}

template <typename T>
WP_HOT void row_sums(int64_t begin, int64_t end, int64_t axis, const T* x, T* out, T scale) {
  for (int64_t o = begin; o < end; ++o) {
    const T* row = x + o * axis;
    T acc = 0;
#pragma omp simd reduction(+ : acc)
    for (int64_t a = 0; a < axis; ++a) acc += row[a];
    out[o] = acc * scale;
  }
}

constexpr int64_t kColumnBlock = 256;

// Tasks t in [begin, end) are (outer index, block of kColumnBlock inner columns) pairs.
template <typename T>
WP_HOT void column_sums(int64_t begin, int64_t end, int64_t axis, int64_t inner, const T* x, T* out, T scale) {
  const int64_t blocks = (inner + kColumnBlock - 1) / kColumnBlock;
  for (int64_t t = begin; t < end; ++t) {
    const int64_t o = t / blocks;
    const int64_t i0 = (t % blocks) * kColumnBlock;
    const int64_t i1 = i0 + kColumnBlock < inner ? i0 + kColumnBlock : inner;
    T* dst = out + o * inner;
    for (int64_t i = i0; i < i1; ++i) dst[i] = 0;
    for (int64_t a = 0; a < axis; ++a) {
      const T* src = x + (o * axis + a) * inner;
      for (int64_t i = i0; i < i1; ++i) dst[i] += src[i];
    }
    for (int64_t i = i0; i < i1; ++i) dst[i] *= scale;
  }
}

template <typename T>
void reduce_sum_kernel(int64_t outer, int64_t axis, int64_t inner, const T* x, T* out, T scale) {
  if (inner == 1) {
    parallel_chunks(outer, axis, [&](int64_t b, int64_t e) { row_sums<T>(b, e, axis, x, out, scale); });
    return;
  }
  const int64_t blocks = (inner + kColumnBlock - 1) / kColumnBlock;
  parallel_chunks(outer * blocks, axis * kColumnBlock,
                  [&](int64_t b, int64_t e) { column_sums<T>(b, e, axis, inner, x, out, scale); });
}

// Rows [begin, end) of y = gelu(x + bias).
template <typename T>
WP_HOT void bias_gelu_rows(int64_t begin, int64_t end, int64_t n, const T* x, const T* bias, T* y) {
  for (int64_t r = begin; r < end; ++r) {
    const T* xr = x + r * n;
    T* yr = y + r * n;
    for (int64_t c = 0; c < n; ++c) yr[c] = gelu_value(T(xr[c] + bias[c]));
  }
}

// Rows [begin, end) of dx = dy * gelu'(x + bias); with colsum, each dx is also added to this
// thread's partial column sums (double).
template <typename T, bool WantBias>
WP_HOT void bias_gelu_backward_rows(int64_t begin, int64_t end, int64_t n, const T* x, const T* bias, const T* dy,
                                    T* dx, double* colsum) {
  for (int64_t r = begin; r < end; ++r) {
    const T* xr = x + r * n;
    const T* dyr = dy + r * n;
    T* dxr = dx + r * n;
    for (int64_t c = 0; c < n; ++c) {
      const T g = dyr[c] * gelu_slope(T(xr[c] + bias[c]));
      dxr[c] = g;
      if constexpr (WantBias) colsum[c] += double(g);
    }
  }
}

void check_bias_gelu(const char* op, int64_t rows, int64_t n, const void* x, const void* bias, const void* out,
                     const void* dy) {
  if (rows < 0 || n < 0)
    fail(std::string(op) + ": need rows >= 0 and n >= 0, got rows=" + std::to_string(rows) + " n=" + std::to_string(n));
  if (rows > 0 && n > 0 && (!x || !bias || !out || !dy)) fail(std::string(op) + ": a required pointer is null");
}

template <typename T>
void bias_gelu_backward(int64_t rows, int64_t n, const T* x, const T* bias, const T* dy, T* dx, T* dbias) {
  if (!dbias) {
    parallel_chunks(rows, n * 16, [&](int64_t b, int64_t e) {
      bias_gelu_backward_rows<T, false>(b, e, n, x, bias, dy, dx, nullptr);
    });
    return;
  }
  // One padded row of partial sums per thread (its own cache lines), summed in thread order.
  const int64_t stride = (n + 7) / 8 * 8;
  const int threads = omp_get_max_threads();
  std::vector<double> partial(size_t(threads) * size_t(stride), 0.0);
  parallel_chunks(rows, n * 16, [&](int64_t b, int64_t e) {
    double* mine = partial.data() + int64_t(omp_get_thread_num()) * stride;
    bias_gelu_backward_rows<T, true>(b, e, n, x, bias, dy, dx, mine);
  });
  for (int64_t c = 0; c < n; ++c) {
    double s = 0;
    for (int t = 0; t < threads; ++t) s += partial[size_t(t) * stride + c];
    dbias[c] = T(s);
  }
}

}  // namespace

WP_API void wp_bias_gelu(int32_t dtype, int64_t rows, int64_t n, const void* x, const void* bias, void* y) {
  check_bias_gelu("bias_gelu", rows, n, x, bias, y, x);
  dispatch_float(dtype, "bias_gelu", [&](auto zero) {
    using T = decltype(zero);
    parallel_chunks(rows, n * 16, [&](int64_t b, int64_t e) {
      bias_gelu_rows<T>(b, e, n, static_cast<const T*>(x), static_cast<const T*>(bias), static_cast<T*>(y));
    });
  });
}

WP_API void wp_bias_gelu_backward(int32_t dtype, int64_t rows, int64_t n, const void* x, const void* bias,
                                  const void* dy, void* dx, void* dbias) {
  check_bias_gelu("bias_gelu_backward", rows, n, x, bias, dx, dy);
  dispatch_float(dtype, "bias_gelu_backward", [&](auto zero) {
    using T = decltype(zero);
    bias_gelu_backward<T>(rows, n, static_cast<const T*>(x), static_cast<const T*>(bias), static_cast<const T*>(dy),
                          static_cast<T*>(dx), static_cast<T*>(dbias));
  });
}

WP_API void wp_binary(int32_t op, int32_t dtype, int32_t ndim, const int64_t* shape, const void* a,
                      const int64_t* a_strides, const void* b, const int64_t* b_strides, void* out,
                      const int64_t* out_strides) {
  const int64_t* strides[3] = {a_strides, b_strides, out_strides};
  StridedLayout<3> L(ndim, shape, strides);
  dispatch_any(dtype, "binary", [&](auto zero) {
    using T = decltype(zero);
    binary_dispatch<T>(op, L, a, b, out);
  });
}

WP_API void wp_unary(int32_t op, int32_t dtype, int64_t n, const void* x, void* y, double alpha, double beta) {
  dispatch_float(dtype, "unary", [&](auto zero) {
    using T = decltype(zero);
    unary_kernel<T>(op, n, static_cast<const T*>(x), static_cast<T*>(y), T(alpha), T(beta));
  });
}

WP_API void wp_unary_backward(int32_t op, int32_t dtype, int64_t n, const void* x, const void* y,
                              const void* gy, void* gx, double alpha) {
  dispatch_float(dtype, "unary_backward", [&](auto zero) {
    using T = decltype(zero);
    unary_backward_kernel<T>(op, n, static_cast<const T*>(x), static_cast<const T*>(y),
                             static_cast<const T*>(gy), static_cast<T*>(gx), T(alpha));
  });
}

WP_API void wp_reduce_sum(int32_t dtype, int64_t outer, int64_t axis, int64_t inner, const void* x,
                          void* out, double scale) {
  dispatch_float(dtype, "reduce_sum", [&](auto zero) {
    using T = decltype(zero);
    reduce_sum_kernel<T>(outer, axis, inner, static_cast<const T*>(x), static_cast<T*>(out), T(scale));
  });
}

WP_API double wp_sum_squares(int32_t dtype, int64_t n, const void* x) {
  double total = 0;
  dispatch_float(dtype, "sum_squares", [&](auto zero) {
    using T = decltype(zero);
    const T* p = static_cast<const T*>(x);
#pragma omp parallel for reduction(+ : total) if (n > kParallelGrain)
    for (int64_t i = 0; i < n; ++i) total += double(p[i]) * double(p[i]);
  });
  return total;
}
