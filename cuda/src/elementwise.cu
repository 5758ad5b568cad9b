// Broadcasting binary ops, unary ops with their derivatives, axis sums and sums of squares.
#include "kernel_util.cuh"
#include "row_util.cuh"
#include "strided.cuh"
#include "wpc/elementwise.h"

namespace wpc {
namespace {

template <typename T, int Op>
__device__ __forceinline__ T apply_binary(T a, T b) {
  if constexpr (Op == WP_ADD) return a + b;
  else if constexpr (Op == WP_SUB) return a - b;
  else if constexpr (Op == WP_MUL) return a * b;
  else return a / b;
}

// No __restrict__: out may alias a or b (in-place updates with identical strides).
template <typename T, int Op>
__global__ void binary_contiguous_kernel(const T* a, const T* b, T* out, int64_t n) {
  for (int64_t i = global_thread(); i < n; i += global_stride()) out[i] = apply_binary<T, Op>(a[i], b[i]);
}

template <typename T, int Op, typename I>
__global__ void binary_strided_kernel(Strided<3> L, const T* a, const T* b, T* out) {
  for (int64_t i = global_thread(); i < L.numel; i += global_stride()) {
    int64_t off[3];
    L.offsets(I(i), off);
    out[off[2]] = apply_binary<T, Op>(a[off[0]], b[off[1]]);
  }
}

template <typename T, int Op>
void binary_launch(const Strided<3>& L, const void* a, const void* b, void* out, cudaStream_t stream) {
  const T* pa = static_cast<const T*>(a);
  const T* pb = static_cast<const T*>(b);
  T* po = static_cast<T*>(out);
  const unsigned blocks = grid_stride_blocks(L.numel);
  if (L.contiguous())
    launch("binary", binary_contiguous_kernel<T, Op>, blocks, kThreads, 0, stream, pa, pb, po, L.numel);
  else if (L.numel <= INT32_MAX)
    launch("binary", binary_strided_kernel<T, Op, int32_t>, blocks, kThreads, 0, stream, L, pa, pb, po);
  else
    launch("binary", binary_strided_kernel<T, Op, int64_t>, blocks, kThreads, 0, stream, L, pa, pb, po);
}

constexpr double kInvSqrt2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

// GELU (erf form) and its derivative, shared by the unary op and the fused bias + GELU.
template <typename T>
__device__ __forceinline__ T gelu_value(T x) {
  return T(0.5) * x * (T(1) + werf(x * T(kInvSqrt2)));
}

template <typename T>
__device__ __forceinline__ T gelu_slope(T x) {
  const T cdf = T(0.5) * (T(1) + werf(x * T(kInvSqrt2)));
  const T pdf = T(kInvSqrt2Pi) * wexp(T(-0.5) * x * x);
  return cdf + x * pdf;
}

template <typename T, int Op>
__device__ __forceinline__ T unary_value(T x, T alpha, T beta) {
  if constexpr (Op == WP_AFFINE) return alpha * x + beta;
  else if constexpr (Op == WP_NEG) return -x;
  else if constexpr (Op == WP_EXP) return wexp(x);
  else if constexpr (Op == WP_LOG) return wlog(x);
  else if constexpr (Op == WP_TANH) return wtanh(x);
  else if constexpr (Op == WP_GELU) return gelu_value(x);
  else if constexpr (Op == WP_SQRT) return wsqrt(x);
  else if constexpr (Op == WP_SQUARE) return x * x;
  else return x > T(0) ? x : T(0);  // WP_RELU
}

template <typename T, int Op>
__global__ void unary_kernel(const T* x, T* y, int64_t n, T alpha, T beta) {
  for (int64_t i = global_thread(); i < n; i += global_stride()) y[i] = unary_value<T, Op>(x[i], alpha, beta);
}

// gx = gy * f'(x); x or y is null when the op does not read it.
template <typename T, int Op>
__device__ __forceinline__ T unary_grad(const T* x, const T* y, int64_t i, T g, T alpha) {
  if constexpr (Op == WP_AFFINE) return alpha * g;
  else if constexpr (Op == WP_NEG) return -g;
  else if constexpr (Op == WP_EXP) return g * y[i];
  else if constexpr (Op == WP_LOG) return g / x[i];
  else if constexpr (Op == WP_TANH) return g * (T(1) - y[i] * y[i]);
  else if constexpr (Op == WP_GELU) return g * gelu_slope(x[i]);
  else if constexpr (Op == WP_SQRT) return g * T(0.5) / y[i];
  else if constexpr (Op == WP_SQUARE) return g * T(2) * x[i];
  else return x[i] > T(0) ? g : T(0);  // WP_RELU
}

template <typename T, int Op>
__global__ void unary_backward_kernel(const T* x, const T* y, const T* gy, T* gx, int64_t n, T alpha) {
  for (int64_t i = global_thread(); i < n; i += global_stride()) gx[i] = unary_grad<T, Op>(x, y, i, gy[i], alpha);
}

// Calls f(std::integral_constant<int, Op>) for a unary op code.
template <typename F>
void dispatch_unary(int32_t op, const char* name, F&& f) {
  switch (op) {
    case WP_AFFINE: f(std::integral_constant<int, WP_AFFINE>{}); break;
    case WP_NEG: f(std::integral_constant<int, WP_NEG>{}); break;
    case WP_EXP: f(std::integral_constant<int, WP_EXP>{}); break;
    case WP_LOG: f(std::integral_constant<int, WP_LOG>{}); break;
    case WP_TANH: f(std::integral_constant<int, WP_TANH>{}); break;
    case WP_GELU: f(std::integral_constant<int, WP_GELU>{}); break;
    case WP_SQRT: f(std::integral_constant<int, WP_SQRT>{}); break;
    case WP_SQUARE: f(std::integral_constant<int, WP_SQUARE>{}); break;
    case WP_RELU: f(std::integral_constant<int, WP_RELU>{}); break;
    default: fail(std::string(name) + ": unknown op code " + std::to_string(op));
  }
}

// ---------------------------------------------------------------- sums

constexpr int kRowsPerBlock = kThreads / 32;

// inner == 1: one warp per row, deterministic.
template <typename T>
__global__ void row_sum_kernel(const T* __restrict__ x, T* __restrict__ out, int64_t rows, int64_t axis, T scale) {
  const int64_t row = int64_t(blockIdx.x) * kRowsPerBlock + threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  T acc = 0;
  if (row < rows) {
    const T* p = x + row * axis;
    for (int64_t a = lane; a < axis; a += 32) acc += p[a];
  }
  acc = warp_sum(acc);
  if (row < rows && lane == 0) out[row] = acc * scale;
}

// inner == 1 with few long rows: blocks take chunks of a row and add into the zeroed output.
template <typename T>
__global__ void row_sum_split_kernel(const T* __restrict__ x, T* __restrict__ out, int64_t axis, int64_t chunk,
                                     T scale) {
  __shared__ T scratch[32];
  const int64_t row = blockIdx.y;
  const int64_t begin = int64_t(blockIdx.x) * chunk;
  const int64_t end = begin + chunk < axis ? begin + chunk : axis;
  const T* p = x + row * axis;
  T acc = 0;
  for (int64_t a = begin + threadIdx.x; a < end; a += blockDim.x) acc += p[a];
  acc = block_sum(acc, scratch);
  if (threadIdx.x == 0) atomicAdd(out + row, acc * scale);
}

// inner > 1: one thread per output column (o, i), looping over axis rows [a0, a1). With one
// chunk the result is written, with several each chunk adds into the zeroed output.
template <typename T>
__global__ void column_sum_kernel(const T* __restrict__ x, T* __restrict__ out, int64_t outer, int64_t axis,
                                  int64_t inner, int64_t chunk, T scale) {
  const int64_t col = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (col >= outer * inner) return;
  const int64_t o = col / inner, i = col - o * inner;
  const int64_t a0 = int64_t(blockIdx.y) * chunk;
  const int64_t a1 = a0 + chunk < axis ? a0 + chunk : axis;
  const T* p = x + (o * axis) * inner + i;
  T acc = 0;
  for (int64_t a = a0; a < a1; ++a) acc += p[a * inner];
  if (gridDim.y == 1) out[col] = acc * scale;
  else atomicAdd(out + col, acc * scale);
}

template <typename T>
__global__ void sum_squares_kernel(const T* __restrict__ x, int64_t n, double* out) {
  __shared__ double scratch[32];
  double acc = 0;
  for (int64_t i = global_thread(); i < n; i += global_stride()) {
    const double v = double(x[i]);
    acc += v * v;
  }
  acc = block_sum(acc, scratch);
  if (threadIdx.x == 0) atomicAdd(out, acc);
}

template <typename T>
void reduce_sum_launch(int64_t outer, int64_t axis, int64_t inner, const T* x, T* out, T scale, cudaStream_t stream) {
  const int64_t sms = multiprocessors();
  if (axis == 0) {
    check(cudaMemsetAsync(out, 0, sizeof(T) * outer * inner, stream), "reduce_sum", "cudaMemsetAsync");
    return;
  }
  if (inner == 1) {
    // Enough rows to fill the device, or short rows: a warp per row.
    if (outer >= sms * 32 || axis <= 4096) {
      launch("reduce_sum", row_sum_kernel<T>, unsigned(ceil_div(outer, kRowsPerBlock)), kThreads, 0, stream, x, out,
             outer, axis, scale);
      return;
    }
    const int64_t chunk = 16 * kThreads;
    check(cudaMemsetAsync(out, 0, sizeof(T) * outer, stream), "reduce_sum", "cudaMemsetAsync");
    launch("reduce_sum", row_sum_split_kernel<T>, dim3(unsigned(ceil_div(axis, chunk)), unsigned(outer)), kThreads, 0,
           stream, x, out, axis, chunk, scale);
    return;
  }
  const int64_t columns = outer * inner;
  const unsigned col_blocks = unsigned(ceil_div(columns, kThreads));
  // Split the axis when the columns alone cannot fill the device.
  int64_t chunks = 1;
  if (columns < sms * 1024 && axis > 64) {
    chunks = (sms * 1024 + columns - 1) / columns;
    if (chunks > axis / 32) chunks = axis / 32;
    if (chunks > 65535) chunks = 65535;
    if (chunks < 1) chunks = 1;
  }
  const int64_t chunk = ceil_div(axis, chunks);
  chunks = ceil_div(axis, chunk);
  if (chunks > 1) check(cudaMemsetAsync(out, 0, sizeof(T) * columns, stream), "reduce_sum", "cudaMemsetAsync");
  launch("reduce_sum", column_sum_kernel<T>, dim3(col_blocks, unsigned(chunks)), kThreads, 0, stream, x, out, outer,
         axis, inner, chunk, scale);
}

// ---------------------------------------------------------------- fused bias + GELU

// A row per thread group (launch_rows); no __restrict__: y may alias x.
template <typename T, int TPR>
__global__ void bias_gelu_kernel(int64_t rows, int64_t n, const T* x, const T* __restrict__ bias, T* y) {
  const int64_t row = RowGroup<TPR>::row();
  if (row >= rows) return;  // no barriers below
  const T* xr = x + row * n;
  T* yr = y + row * n;
  for (int64_t c = RowGroup<TPR>::lane(); c < n; c += TPR) yr[c] = gelu_value(T(xr[c] + bias[c]));
}

// The backward over a tile of 32 columns and the rows of chunk blockIdx.y, 8 row lanes per
// block (a warp reads 32 adjacent columns of one row). With partial, the tile's column sums of
// dx (double) go to partial[blockIdx.y * n + c]. No __restrict__ on dy, dx: dx may alias dy.
constexpr int kBiasGeluRowLanes = kThreads / 32;
constexpr int64_t kBiasGeluChunkRows = 64;   // rows per chunk, until the chunk count cap
constexpr int64_t kBiasGeluMaxChunks = 512;  // bounds the workspace to 512 * n doubles

template <typename T>
__global__ void bias_gelu_backward_kernel(int64_t rows, int64_t n, int64_t chunk, const T* __restrict__ x,
                                          const T* __restrict__ bias, const T* dy, T* dx, double* partial) {
  __shared__ double sums[kBiasGeluRowLanes][33];
  const int tx = threadIdx.x % 32, ty = threadIdx.x / 32;
  const int64_t c = int64_t(blockIdx.x) * 32 + tx;
  const int64_t r0 = int64_t(blockIdx.y) * chunk;
  const int64_t r1 = r0 + chunk < rows ? r0 + chunk : rows;
  double acc = 0;
  if (c < n) {
    const T b = bias[c];
    for (int64_t r = r0 + ty; r < r1; r += kBiasGeluRowLanes) {
      const int64_t i = r * n + c;
      const T g = dy[i] * gelu_slope(T(x[i] + b));
      dx[i] = g;
      acc += double(g);
    }
  }
  if (!partial) return;  // uniform over the grid: no thread waits at the barrier below
  sums[ty][tx] = acc;
  __syncthreads();
  if (ty == 0 && c < n) {
    for (int l = 1; l < kBiasGeluRowLanes; ++l) acc += sums[l][tx];
    partial[int64_t(blockIdx.y) * n + c] = acc;
  }
}

// dbias[c] = the sum of the chunks' partial sums, in chunk order.
template <typename T>
__global__ void bias_gelu_dbias_kernel(int64_t chunks, int64_t n, const double* __restrict__ partial,
                                       T* __restrict__ dbias) {
  for (int64_t c = global_thread(); c < n; c += global_stride()) {
    double s = 0;
    for (int64_t k = 0; k < chunks; ++k) s += partial[k * n + c];
    dbias[c] = T(s);
  }
}

int64_t bias_gelu_chunks(int64_t rows) { return rows <= 0 ? 1 : wmin(ceil_div(rows, kBiasGeluChunkRows), kBiasGeluMaxChunks); }

void check_bias_gelu(const char* op, int64_t rows, int64_t n, const void* x, const void* bias, const void* out,
                     const void* dy) {
  if (rows < 0 || n < 0)
    fail(std::string(op) + ": need rows >= 0 and n >= 0, got rows=" + std::to_string(rows) + " n=" + std::to_string(n));
  if (rows > 0 && n > 0 && (!x || !bias || !out || !dy)) fail(std::string(op) + ": a required pointer is null");
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_bias_gelu(int32_t dtype, int64_t rows, int64_t n, const void* x, const void* bias, void* y,
                          cudaStream_t stream) {
  check_bias_gelu("bias_gelu", rows, n, x, bias, y, x);
  dispatch_float(dtype, "bias_gelu", [&](auto zero) {
    using T = decltype(zero);
    if (n == 0) return;
    launch_rows("bias_gelu", rows, n, stream, [](auto tpr) { return bias_gelu_kernel<T, decltype(tpr)::value>; },
                rows, n, static_cast<const T*>(x), static_cast<const T*>(bias), static_cast<T*>(y));
  });
}

WP_API int64_t wpc_bias_gelu_backward_workspace_bytes(int32_t dtype, int64_t rows, int64_t n) {
  return n <= 0 ? 0 : int64_t(sizeof(double)) * bias_gelu_chunks(rows) * n;
}

WP_API void wpc_bias_gelu_backward(int32_t dtype, int64_t rows, int64_t n, const void* x, const void* bias,
                                   const void* dy, void* dx, void* dbias, void* workspace, int64_t workspace_bytes,
                                   cudaStream_t stream) {
  const char* op = "bias_gelu_backward";
  check_bias_gelu(op, rows, n, x, bias, dx, dy);
  dispatch_float(dtype, op, [&](auto zero) {
    using T = decltype(zero);
    if (n == 0) return;
    if (dbias && rows == 0) {
      check(cudaMemsetAsync(dbias, 0, sizeof(T) * n, stream), op, "cudaMemsetAsync");
      return;
    }
    if (rows == 0) return;
    const int64_t needed = wpc_bias_gelu_backward_workspace_bytes(dtype, rows, n);
    if (dbias && (!workspace || workspace_bytes < needed))
      fail(std::string(op) + ": a bias gradient needs a workspace of " + std::to_string(needed) + " bytes (" + op +
           "_workspace_bytes), got " + std::to_string(workspace ? workspace_bytes : 0));
    const int64_t chunks0 = bias_gelu_chunks(rows), chunk = ceil_div(rows, chunks0), chunks = ceil_div(rows, chunk);
    double* partial = dbias ? static_cast<double*>(workspace) : nullptr;
    launch(op, bias_gelu_backward_kernel<T>, dim3(unsigned(ceil_div(n, 32)), unsigned(chunks)), kThreads, 0, stream,
           rows, n, chunk, static_cast<const T*>(x), static_cast<const T*>(bias), static_cast<const T*>(dy),
           static_cast<T*>(dx), partial);
    if (dbias)
      launch(op, bias_gelu_dbias_kernel<T>, grid_stride_blocks(n), kThreads, 0, stream, chunks, n,
             static_cast<const double*>(partial), static_cast<T*>(dbias));
  });
}

WP_API void wpc_binary(int32_t op, int32_t dtype, int32_t ndim, const int64_t* shape, const void* a,
                       const int64_t* a_strides, const void* b, const int64_t* b_strides, void* out,
                       const int64_t* out_strides, cudaStream_t stream) {
  const int64_t* strides[3] = {a_strides, b_strides, out_strides};
  const Strided<3> L = Strided<3>::make(ndim, shape, strides, "binary");
  if (L.numel == 0) return;
  dispatch_any(dtype, "binary", [&](auto zero) {
    using T = decltype(zero);
    switch (op) {
      case WP_ADD: binary_launch<T, WP_ADD>(L, a, b, out, stream); break;
      case WP_SUB: binary_launch<T, WP_SUB>(L, a, b, out, stream); break;
      case WP_MUL: binary_launch<T, WP_MUL>(L, a, b, out, stream); break;
      case WP_DIV: binary_launch<T, WP_DIV>(L, a, b, out, stream); break;
      default: fail("binary: unknown op code " + std::to_string(op));
    }
  });
}

WP_API void wpc_unary(int32_t op, int32_t dtype, int64_t n, const void* x, void* y, double alpha, double beta,
                      cudaStream_t stream) {
  dispatch_float(dtype, "unary", [&](auto zero) {
    using T = decltype(zero);
    dispatch_unary(op, "unary", [&](auto code) {
      if (n <= 0) return;
      launch("unary", unary_kernel<T, decltype(code)::value>, grid_stride_blocks(n), kThreads, 0, stream,
             static_cast<const T*>(x), static_cast<T*>(y), n, T(alpha), T(beta));
    });
  });
}

WP_API void wpc_unary_backward(int32_t op, int32_t dtype, int64_t n, const void* x, const void* y, const void* gy,
                               void* gx, double alpha, cudaStream_t stream) {
  dispatch_float(dtype, "unary_backward", [&](auto zero) {
    using T = decltype(zero);
    dispatch_unary(op, "unary_backward", [&](auto code) {
      if (n <= 0) return;
      launch("unary_backward", unary_backward_kernel<T, decltype(code)::value>, grid_stride_blocks(n), kThreads, 0,
             stream, static_cast<const T*>(x), static_cast<const T*>(y), static_cast<const T*>(gy),
             static_cast<T*>(gx), n, T(alpha));
    });
  });
}

WP_API void wpc_reduce_sum(int32_t dtype, int64_t outer, int64_t axis, int64_t inner, const void* x, void* out,
                           double scale, cudaStream_t stream) {
  if (outer < 0 || axis < 0 || inner < 0) fail("reduce_sum: negative extent");
  dispatch_float(dtype, "reduce_sum", [&](auto zero) {
    using T = decltype(zero);
    if (outer * inner == 0) return;
    reduce_sum_launch<T>(outer, axis, inner, static_cast<const T*>(x), static_cast<T*>(out), T(scale), stream);
  });
}

WP_API void wpc_sum_squares(int32_t dtype, int64_t n, const void* x, double* out, int32_t accumulate,
                            cudaStream_t stream) {
  dispatch_float(dtype, "sum_squares", [&](auto zero) {
    using T = decltype(zero);
    if (!accumulate) check(cudaMemsetAsync(out, 0, sizeof(double), stream), "sum_squares", "cudaMemsetAsync");
    if (n <= 0) return;
    launch("sum_squares", sum_squares_kernel<T>, grid_stride_blocks(n), kThreads, 0, stream, static_cast<const T*>(x),
           n, out);
  });
}
