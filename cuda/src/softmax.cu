// Row softmax / log-softmax: a row group takes the row maximum, sums exp(x - max) and writes
// the row, as the CPU twin does ((x - max) - log(sum) for log-softmax, exact near the max).
#include "kernel_util.cuh"
#include "row_util.cuh"
#include "wpc/softmax.h"

namespace wpc {
namespace {

// No __restrict__: y may alias x. Each element's last read and its write are by one thread,
// after the group reductions, which every thread of the group passes first.
template <typename T, int TPR, bool Log>
__global__ void softmax_forward_kernel(int64_t rows, int64_t cols, const T* x, T* y) {
  __shared__ T scratch[32];
  const int64_t row = RowGroup<TPR>::row();
  if (TPR == 32 && row >= rows) return;
  const int lane = RowGroup<TPR>::lane();
  const T* xr = x + row * cols;
  T* yr = y + row * cols;
  T m = neg_infinity<T>();
  for (int64_t c = lane; c < cols; c += TPR) m = wmax(m, xr[c]);
  m = group_max<TPR>(m, scratch);
  T sum = 0;
  for (int64_t c = lane; c < cols; c += TPR) sum += wexp(T(xr[c] - m));
  sum = group_sum<TPR>(sum, scratch);
  if constexpr (Log) {
    const T log_sum = wlog(sum);
    for (int64_t c = lane; c < cols; c += TPR) yr[c] = (xr[c] - m) - log_sum;
  } else {
    const T inv = T(1) / sum;
    for (int64_t c = lane; c < cols; c += TPR) yr[c] = wexp(T(xr[c] - m)) * inv;
  }
}

template <typename T, int TPR, bool Log>
__global__ void softmax_backward_kernel(int64_t rows, int64_t cols, const T* y, const T* gy, T* gx) {
  __shared__ T scratch[32];
  const int64_t row = RowGroup<TPR>::row();
  if (TPR == 32 && row >= rows) return;
  const int lane = RowGroup<TPR>::lane();
  const T* yr = y + row * cols;
  const T* gr = gy + row * cols;
  T* xr = gx + row * cols;
  T acc = 0;
  for (int64_t c = lane; c < cols; c += TPR) acc += Log ? gr[c] : gr[c] * yr[c];
  acc = group_sum<TPR>(acc, scratch);
  for (int64_t c = lane; c < cols; c += TPR) xr[c] = Log ? gr[c] - wexp(yr[c]) * acc : yr[c] * (gr[c] - acc);
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_softmax_forward(int32_t dtype, int64_t rows, int64_t cols, const void* x, void* y, int32_t log,
                                cudaStream_t stream) {
  if (rows < 0 || cols < 0) fail("softmax: negative size " + std::to_string(rows) + " x " + std::to_string(cols));
  if (cols == 0) return;
  dispatch_float(dtype, "softmax", [&](auto zero) {
    using T = decltype(zero);
    const T* px = static_cast<const T*>(x);
    T* py = static_cast<T*>(y);
    if (log)
      launch_rows("softmax", rows, cols, stream,
                  [](auto tpr) { return softmax_forward_kernel<T, decltype(tpr)::value, true>; }, rows, cols, px, py);
    else
      launch_rows("softmax", rows, cols, stream,
                  [](auto tpr) { return softmax_forward_kernel<T, decltype(tpr)::value, false>; }, rows, cols, px, py);
  });
}

WP_API void wpc_softmax_backward(int32_t dtype, int64_t rows, int64_t cols, const void* y, const void* gy, void* gx,
                                 int32_t log, cudaStream_t stream) {
  if (rows < 0 || cols < 0)
    fail("softmax_backward: negative size " + std::to_string(rows) + " x " + std::to_string(cols));
  if (cols == 0) return;
  dispatch_float(dtype, "softmax_backward", [&](auto zero) {
    using T = decltype(zero);
    const T* py = static_cast<const T*>(y);
    const T* pg = static_cast<const T*>(gy);
    T* px = static_cast<T*>(gx);
    if (log)
      launch_rows("softmax_backward", rows, cols, stream,
                  [](auto tpr) { return softmax_backward_kernel<T, decltype(tpr)::value, true>; }, rows, cols, py, pg,
                  px);
    else
      launch_rows("softmax_backward", rows, cols, stream,
                  [](auto tpr) { return softmax_backward_kernel<T, decltype(tpr)::value, false>; }, rows, cols, py,
                  pg, px);
  });
}
