// L2 normalisation of rows: y = x / max(||x||, eps), norms saved; the backward projects the
// gradient off y: gx = (gy - y (y . gy)) / ||x||, or gy / eps where the norm was clamped.
#include "kernel_util.cuh"
#include "row_util.cuh"
#include "wpc/l2norm.h"

namespace wpc {
namespace {

template <typename T, int TPR>
__global__ void l2norm_forward_kernel(int64_t rows, int64_t cols, const T* __restrict__ x, T* __restrict__ y,
                                      T* __restrict__ norms, double eps) {
  __shared__ double scratch[32];
  const int64_t row = RowGroup<TPR>::row();
  if (TPR == 32 && row >= rows) return;
  const int lane = RowGroup<TPR>::lane();
  const T* xr = x + row * cols;
  double ss = 0;
  for (int64_t c = lane; c < cols; c += TPR) ss += double(xr[c]) * double(xr[c]);
  ss = group_sum<TPR>(ss, scratch);
  const double norm = sqrt(ss);
  if (lane == 0) norms[row] = T(norm);
  const double denom = norm > eps ? norm : eps;
  T* yr = y + row * cols;
  for (int64_t c = lane; c < cols; c += TPR) yr[c] = T(double(xr[c]) / denom);
}

// gx may alias gy: each element is read before it is written, by the same thread.
template <typename T, int TPR>
__global__ void l2norm_backward_kernel(int64_t rows, int64_t cols, const T* __restrict__ y, const T* __restrict__ norms,
                                       const T* gy, T* gx, double eps) {
  __shared__ double scratch[32];
  const int64_t row = RowGroup<TPR>::row();
  if (TPR == 32 && row >= rows) return;
  const int lane = RowGroup<TPR>::lane();
  const T* yr = y + row * cols;
  const T* gyr = gy + row * cols;
  T* gxr = gx + row * cols;
  const double norm = double(norms[row]);
  double dot = 0;
  for (int64_t c = lane; c < cols; c += TPR) dot += double(yr[c]) * double(gyr[c]);
  dot = group_sum<TPR>(dot, scratch);  // every thread of the group takes part, whichever branch follows
  if (!(norm > eps)) {
    const double inv = 1.0 / eps;
    for (int64_t c = lane; c < cols; c += TPR) gxr[c] = T(double(gyr[c]) * inv);
    return;
  }
  const double inv = 1.0 / norm;
  for (int64_t c = lane; c < cols; c += TPR) gxr[c] = T((double(gyr[c]) - double(yr[c]) * dot) * inv);
}

void check_args(const char* op, int64_t rows, int64_t cols, double eps) {
  if (rows < 0 || cols < 1)
    fail(std::string(op) + ": need rows >= 0 and cols >= 1, got rows=" + std::to_string(rows) + " cols=" +
         std::to_string(cols));
  if (!(eps > 0)) fail(std::string(op) + ": eps must be > 0, got " + std::to_string(eps));
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_l2norm_forward(int32_t dtype, int64_t rows, int64_t cols, const void* x, void* y, void* norms,
                               double eps, cudaStream_t stream) {
  check_args("l2norm_forward", rows, cols, eps);
  dispatch_float(dtype, "l2norm_forward", [&](auto zero) {
    using T = decltype(zero);
    launch_rows("l2norm_forward", rows, cols, stream,
                [](auto tpr) { return l2norm_forward_kernel<T, decltype(tpr)::value>; }, rows, cols,
                static_cast<const T*>(x), static_cast<T*>(y), static_cast<T*>(norms), eps);
  });
}

WP_API void wpc_l2norm_backward(int32_t dtype, int64_t rows, int64_t cols, const void* y, const void* norms,
                                const void* gy, void* gx, double eps, cudaStream_t stream) {
  check_args("l2norm_backward", rows, cols, eps);
  dispatch_float(dtype, "l2norm_backward", [&](auto zero) {
    using T = decltype(zero);
    launch_rows("l2norm_backward", rows, cols, stream,
                [](auto tpr) { return l2norm_backward_kernel<T, decltype(tpr)::value>; }, rows, cols,
                static_cast<const T*>(y), static_cast<const T*>(norms), static_cast<const T*>(gy), static_cast<T*>(gx),
                eps);
  });
}
