// Layer normalisation: a row group computes the row's moments (double, shifted by the row's
// first element as the CPU twin does) and writes the normalised row; the backward's gx is
// per row the same way, and ggamma / gbeta are column sums over row chunks.
#include "kernel_util.cuh"
#include "row_util.cuh"
#include "wpc/layernorm.h"

namespace wpc {
namespace {

template <typename T, int TPR>
__global__ void layernorm_forward_kernel(int64_t rows, int64_t cols, const T* __restrict__ x,
                                         const T* __restrict__ gamma, const T* __restrict__ beta, double eps,
                                         T* __restrict__ y, T* __restrict__ mean, T* __restrict__ rstd) {
  __shared__ double scratch[32];
  const int64_t row = RowGroup<TPR>::row();
  if (TPR == 32 && row >= rows) return;  // a whole warp leaves together; block rows always exist
  const int lane = RowGroup<TPR>::lane();
  const T* xr = x + row * cols;
  const double shift = double(xr[0]);
  double s1 = 0, s2 = 0;
  for (int64_t c = lane; c < cols; c += TPR) {
    const double d = double(xr[c]) - shift;
    s1 += d;
    s2 += d * d;
  }
  s1 = group_sum<TPR>(s1, scratch);
  s2 = group_sum<TPR>(s2, scratch);
  const double m = s1 / double(cols);
  const double var = wmax(s2 / double(cols) - m * m, 0.0);
  const double mu = shift + m;
  const double rs = 1.0 / sqrt(var + eps);
  if (lane == 0) {
    mean[row] = T(mu);
    rstd[row] = T(rs);
  }
  T* yr = y + row * cols;
  for (int64_t c = lane; c < cols; c += TPR) {
    T v = T((double(xr[c]) - mu) * rs);
    if (gamma) v *= gamma[c];
    if (beta) v += beta[c];
    yr[c] = v;
  }
}

// gx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = gy * gamma.
template <typename T, int TPR>
__global__ void layernorm_backward_kernel(int64_t rows, int64_t cols, const T* __restrict__ x,
                                          const T* __restrict__ gamma, const T* __restrict__ mean,
                                          const T* __restrict__ rstd, const T* __restrict__ gy, T* __restrict__ gx) {
  __shared__ double scratch[32];
  const int64_t row = RowGroup<TPR>::row();
  if (TPR == 32 && row >= rows) return;
  const int lane = RowGroup<TPR>::lane();
  const T* xr = x + row * cols;
  const T* gyr = gy + row * cols;
  const double mu = double(mean[row]), rs = double(rstd[row]);
  double a1 = 0, a2 = 0;
  for (int64_t c = lane; c < cols; c += TPR) {
    const double xhat = (double(xr[c]) - mu) * rs;
    double g = double(gyr[c]);
    if (gamma) g *= double(gamma[c]);
    a1 += g;
    a2 += g * xhat;
  }
  a1 = group_sum<TPR>(a1, scratch);
  a2 = group_sum<TPR>(a2, scratch);
  const double k1 = a1 / double(cols), k2 = a2 / double(cols);
  T* gxr = gx + row * cols;
  for (int64_t c = lane; c < cols; c += TPR) {
    const double xhat = (double(xr[c]) - mu) * rs;
    double g = double(gyr[c]);
    if (gamma) g *= double(gamma[c]);
    gxr[c] = T(rs * (g - k1 - xhat * k2));
  }
}

// ggamma[c] = sum_r gy[r, c] * xhat[r, c], gbeta[c] = sum_r gy[r, c] over the rows of chunk
// blockIdx.y: 32 columns per block, 8 row lanes; added atomically when there are chunks.
constexpr int kColumnLanes = kThreads / 32;

template <typename T>
__global__ void layernorm_params_kernel(int64_t rows, int64_t cols, int64_t chunk, const T* __restrict__ x,
                                        const T* __restrict__ mean, const T* __restrict__ rstd,
                                        const T* __restrict__ gy, T* __restrict__ ggamma, T* __restrict__ gbeta) {
  __shared__ double sg[kColumnLanes][33], sb[kColumnLanes][33];
  const int tx = threadIdx.x % 32, ty = threadIdx.x / 32;
  const int64_t c = int64_t(blockIdx.x) * 32 + tx;
  const int64_t r0 = int64_t(blockIdx.y) * chunk;
  const int64_t r1 = r0 + chunk < rows ? r0 + chunk : rows;
  double pg = 0, pb = 0;
  if (c < cols) {
    for (int64_t r = r0 + ty; r < r1; r += kColumnLanes) {
      const double g = double(gy[r * cols + c]);
      pg += g * (double(x[r * cols + c]) - double(mean[r])) * double(rstd[r]);
      pb += g;
    }
  }
  sg[ty][tx] = pg;
  sb[ty][tx] = pb;
  __syncthreads();
  if (ty == 0 && c < cols) {
    for (int l = 1; l < kColumnLanes; ++l) {
      pg += sg[l][tx];
      pb += sb[l][tx];
    }
    if (gridDim.y == 1) {
      if (ggamma) ggamma[c] = T(pg);
      if (gbeta) gbeta[c] = T(pb);
    } else {
      if (ggamma) atomicAdd(ggamma + c, T(pg));
      if (gbeta) atomicAdd(gbeta + c, T(pb));
    }
  }
}

void check_sizes(const char* op, int64_t rows, int64_t cols, double eps) {
  if (rows < 0 || cols < 1)
    fail(std::string(op) + ": need rows >= 0 and cols >= 1, got rows=" + std::to_string(rows) + " cols=" +
         std::to_string(cols));
  if (!(eps >= 0)) fail(std::string(op) + ": eps must be >= 0, got " + std::to_string(eps));
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_layernorm_forward(int32_t dtype, int64_t rows, int64_t cols, const void* x, const void* gamma,
                                  const void* beta, double eps, void* y, void* mean, void* rstd, cudaStream_t stream) {
  check_sizes("layernorm_forward", rows, cols, eps);
  dispatch_float(dtype, "layernorm_forward", [&](auto zero) {
    using T = decltype(zero);
    launch_rows("layernorm_forward", rows, cols, stream,
                [](auto tpr) { return layernorm_forward_kernel<T, decltype(tpr)::value>; }, rows, cols,
                static_cast<const T*>(x), static_cast<const T*>(gamma), static_cast<const T*>(beta), eps,
                static_cast<T*>(y), static_cast<T*>(mean), static_cast<T*>(rstd));
  });
}

WP_API void wpc_layernorm_backward(int32_t dtype, int64_t rows, int64_t cols, const void* x, const void* gamma,
                                   const void* mean, const void* rstd, const void* gy, void* gx, void* ggamma,
                                   void* gbeta, cudaStream_t stream) {
  check_sizes("layernorm_backward", rows, cols, 0.0);
  dispatch_float(dtype, "layernorm_backward", [&](auto zero) {
    using T = decltype(zero);
    if (gx)
      launch_rows("layernorm_backward", rows, cols, stream,
                  [](auto tpr) { return layernorm_backward_kernel<T, decltype(tpr)::value>; }, rows, cols,
                  static_cast<const T*>(x), static_cast<const T*>(gamma), static_cast<const T*>(mean),
                  static_cast<const T*>(rstd), static_cast<const T*>(gy), static_cast<T*>(gx));
    if (!ggamma && !gbeta) return;
    const int64_t col_blocks = ceil_div(cols, 32);
    // Enough row chunks to give every multiprocessor a few blocks.
    int64_t chunks = ceil_div(int64_t(multiprocessors()) * 4, col_blocks);
    chunks = wmin(chunks, ceil_div(rows, 64));
    chunks = wmax(wmin(chunks, int64_t(65535)), int64_t(1));
    const int64_t chunk = rows > 0 ? ceil_div(rows, chunks) : 1;
    chunks = rows > 0 ? ceil_div(rows, chunk) : 1;
    if (chunks > 1 || rows == 0) {
      if (ggamma) check(cudaMemsetAsync(ggamma, 0, sizeof(T) * cols, stream), "layernorm_backward", "cudaMemsetAsync");
      if (gbeta) check(cudaMemsetAsync(gbeta, 0, sizeof(T) * cols, stream), "layernorm_backward", "cudaMemsetAsync");
    }
    if (rows == 0) return;
    launch("layernorm_backward", layernorm_params_kernel<T>, dim3(unsigned(col_blocks), unsigned(chunks)), kThreads, 0,
           stream, rows, cols, chunk, static_cast<const T*>(x), static_cast<const T*>(mean),
           static_cast<const T*>(rstd), static_cast<const T*>(gy), static_cast<T*>(ggamma), static_cast<T*>(gbeta));
  });
}
