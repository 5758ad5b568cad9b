// Cross-entropy with hard (class id, ignore index) and soft targets, fused with the row's
// log-softmax: a row group finds the maximum, sums exp(x - max) in double, and writes the
// loss and the log-sum-exp; the backward recomputes the probabilities from the saved lse.
#include "kernel_util.cuh"
#include "row_util.cuh"
#include "wpc/cross_entropy.h"

namespace wpc {
namespace {

// log(sum exp(row)) with the row maximum subtracted first, as the CPU twin: an infinite
// maximum (all -inf, or a +inf) is its own limit.
template <typename T, int TPR>
__device__ __forceinline__ double row_lse(const T* row, int64_t classes, int lane, T* tscratch, double* dscratch) {
  T mx = neg_infinity<T>();
  for (int64_t c = lane; c < classes; c += TPR) mx = wmax(mx, row[c]);
  mx = group_max<TPR>(mx, tscratch);
  double s = 0;
  for (int64_t c = lane; c < classes; c += TPR) s += double(wexp(T(row[c] - mx)));
  s = group_sum<TPR>(s, dscratch);
  if (!wfinite(mx)) return double(mx);
  return double(mx) + log(s);
}

// *first_bad = min row whose target is neither ignore_index nor a class (initialised to -1,
// i.e. the largest unsigned value).
__global__ void check_targets_kernel(int64_t rows, int64_t classes, const int32_t* __restrict__ targets,
                                     int32_t ignore_index, unsigned long long* first_bad) {
  for (int64_t r = global_thread(); r < rows; r += global_stride()) {
    const int32_t t = targets[r];
    if (t != ignore_index && (t < 0 || t >= classes)) atomicMin(first_bad, (unsigned long long)r);
  }
}

template <typename T, int TPR>
__global__ void hard_forward_kernel(int64_t rows, int64_t classes, const T* __restrict__ logits,
                                    const int32_t* __restrict__ targets, int32_t ignore_index, T* __restrict__ loss,
                                    T* __restrict__ lse, const long long* __restrict__ first_bad) {
  __shared__ T tscratch[32];
  __shared__ double dscratch[32];
  if (*first_bad != -1) return;  // a bad target: write nothing (the same for every thread)
  const int64_t row = RowGroup<TPR>::row();
  if (TPR == 32 && row >= rows) return;
  const int lane = RowGroup<TPR>::lane();
  const T* x = logits + row * classes;
  const double l = row_lse<T, TPR>(x, classes, lane, tscratch, dscratch);
  if (lane == 0) {
    lse[row] = T(l);
    const int32_t t = targets[row];
    loss[row] = t == ignore_index ? T(0) : T(l - double(x[t]));
  }
}

template <typename T, int TPR>
__global__ void hard_backward_kernel(int64_t rows, int64_t classes, const T* __restrict__ logits,
                                     const int32_t* __restrict__ targets, int32_t ignore_index,
                                     const T* __restrict__ lse, const T* __restrict__ gloss, T* __restrict__ glogits) {
  const int64_t row = RowGroup<TPR>::row();
  if (row >= rows) return;  // no group reductions below: any thread may leave
  const int lane = RowGroup<TPR>::lane();
  T* out = glogits + row * classes;
  const int32_t t = targets[row];
  if (t == ignore_index) {
    for (int64_t c = lane; c < classes; c += TPR) out[c] = T(0);
    return;
  }
  const T* x = logits + row * classes;
  const T l = lse[row], g = gloss[row];
  for (int64_t c = lane; c < classes; c += TPR) {
    T v = g * wexp(T(x[c] - l));
    if (c == t) v -= g;
    out[c] = v;
  }
}

template <typename T, int TPR>
__global__ void soft_forward_kernel(int64_t rows, int64_t classes, const T* __restrict__ logits,
                                    const T* __restrict__ q, T* __restrict__ loss, T* __restrict__ lse) {
  __shared__ T tscratch[32];
  __shared__ double dscratch[32];
  const int64_t row = RowGroup<TPR>::row();
  if (TPR == 32 && row >= rows) return;
  const int lane = RowGroup<TPR>::lane();
  const T* x = logits + row * classes;
  const T* qr = q + row * classes;
  const double l = row_lse<T, TPR>(x, classes, lane, tscratch, dscratch);
  // Terms with q == 0 count as 0, so a -inf logit without target mass is allowed.
  double acc = 0;
  for (int64_t c = lane; c < classes; c += TPR) acc += qr[c] != T(0) ? double(qr[c]) * (l - double(x[c])) : 0.0;
  acc = group_sum<TPR>(acc, dscratch);
  if (lane == 0) {
    lse[row] = T(l);
    loss[row] = T(acc);
  }
}

template <typename T, int TPR>
__global__ void soft_backward_kernel(int64_t rows, int64_t classes, const T* __restrict__ logits,
                                     const T* __restrict__ q, const T* __restrict__ lse, const T* __restrict__ gloss,
                                     T* __restrict__ glogits, T* __restrict__ gq) {
  __shared__ double dscratch[32];
  const int64_t row = RowGroup<TPR>::row();
  if (TPR == 32 && row >= rows) return;
  const int lane = RowGroup<TPR>::lane();
  const T* x = logits + row * classes;
  const T* qr = q + row * classes;
  double qsum = 0;
  for (int64_t c = lane; c < classes; c += TPR) qsum += double(qr[c]);
  qsum = group_sum<TPR>(qsum, dscratch);
  const T l = lse[row], g = gloss[row], gs = T(double(gloss[row]) * qsum);
  T* out = glogits + row * classes;
  for (int64_t c = lane; c < classes; c += TPR) out[c] = gs * wexp(T(x[c] - l)) - g * qr[c];
  if (gq) {
    T* gqr = gq + row * classes;
    for (int64_t c = lane; c < classes; c += TPR) gqr[c] = -g * (x[c] - l);
  }
}

void check_sizes(const char* op, int64_t rows, int64_t classes) {
  if (rows < 0 || classes < 1)
    fail(std::string(op) + ": need rows >= 0 and classes >= 1, got rows=" + std::to_string(rows) + " classes=" +
         std::to_string(classes));
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_cross_entropy_forward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                      const int32_t* targets, int32_t ignore_index, void* loss, void* lse,
                                      int64_t* first_bad, cudaStream_t stream) {
  check_sizes("cross_entropy_forward", rows, classes);
  check(cudaMemsetAsync(first_bad, 0xff, sizeof(int64_t), stream), "cross_entropy_forward", "cudaMemsetAsync");
  if (rows == 0) return;
  dispatch_float(dtype, "cross_entropy_forward", [&](auto zero) {
    using T = decltype(zero);
    launch("cross_entropy_forward", check_targets_kernel, grid_stride_blocks(rows), kThreads, 0, stream, rows, classes,
           targets, ignore_index, reinterpret_cast<unsigned long long*>(first_bad));
    launch_rows("cross_entropy_forward", rows, classes, stream,
                [](auto tpr) { return hard_forward_kernel<T, decltype(tpr)::value>; }, rows, classes,
                static_cast<const T*>(logits), targets, ignore_index, static_cast<T*>(loss), static_cast<T*>(lse),
                reinterpret_cast<const long long*>(first_bad));
  });
}

WP_API void wpc_cross_entropy_backward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                       const int32_t* targets, int32_t ignore_index, const void* lse,
                                       const void* gloss, void* glogits, cudaStream_t stream) {
  check_sizes("cross_entropy_backward", rows, classes);
  dispatch_float(dtype, "cross_entropy_backward", [&](auto zero) {
    using T = decltype(zero);
    launch_rows("cross_entropy_backward", rows, classes, stream,
                [](auto tpr) { return hard_backward_kernel<T, decltype(tpr)::value>; }, rows, classes,
                static_cast<const T*>(logits), targets, ignore_index, static_cast<const T*>(lse),
                static_cast<const T*>(gloss), static_cast<T*>(glogits));
  });
}

WP_API void wpc_soft_cross_entropy_forward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                           const void* q, void* loss, void* lse, cudaStream_t stream) {
  check_sizes("soft_cross_entropy_forward", rows, classes);
  dispatch_float(dtype, "soft_cross_entropy_forward", [&](auto zero) {
    using T = decltype(zero);
    launch_rows("soft_cross_entropy_forward", rows, classes, stream,
                [](auto tpr) { return soft_forward_kernel<T, decltype(tpr)::value>; }, rows, classes,
                static_cast<const T*>(logits), static_cast<const T*>(q), static_cast<T*>(loss), static_cast<T*>(lse));
  });
}

WP_API void wpc_soft_cross_entropy_backward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                            const void* q, const void* lse, const void* gloss, void* glogits,
                                            void* gq, cudaStream_t stream) {
  check_sizes("soft_cross_entropy_backward", rows, classes);
  dispatch_float(dtype, "soft_cross_entropy_backward", [&](auto zero) {
    using T = decltype(zero);
    launch_rows("soft_cross_entropy_backward", rows, classes, stream,
                [](auto tpr) { return soft_backward_kernel<T, decltype(tpr)::value>; }, rows, classes,
                static_cast<const T*>(logits), static_cast<const T*>(q), static_cast<const T*>(lse),
                static_cast<const T*>(gloss), static_cast<T*>(glogits), static_cast<T*>(gq));
  });
}
