// c_i2t: a softmax over each row's positive entries; c_t2i: over each column's. Zero elsewhere.
#include "kernel_util.cuh"
#include "method_util.cuh"
#include "row_util.cuh"
#include "wpc/uncertainty.h"

namespace wpc {
namespace {

// One row group per row i: maximum and sum over the positives, then the whole row written
// (zeros outside the positives).
template <typename T, int TPR>
__global__ void confidence_rows_kernel(int64_t nr, int64_t nc, const T* __restrict__ S, const int64_t* __restrict__ rl,
                                       const int64_t* __restrict__ cl, T* __restrict__ out) {
  __shared__ T tscratch[32];
  __shared__ double dscratch[32];
  const int64_t i = RowGroup<TPR>::row();
  if (TPR == 32 && i >= nr) return;
  const int lane = RowGroup<TPR>::lane();
  const T* s = S + i * nc;
  T m = neg_infinity<T>();
  for (int64_t j = lane; j < nc; j += TPR)
    if (is_positive(rl, cl, i, j)) m = wmax(m, s[j]);
  m = group_max<TPR>(m, tscratch);
  double sum = 0;
  for (int64_t j = lane; j < nc; j += TPR)
    if (is_positive(rl, cl, i, j)) sum += double(wexp(T(s[j] - m)));
  sum = group_sum<TPR>(sum, dscratch);
  const T lse = T(double(m) + log(sum));
  T* o = out + i * nc;
  for (int64_t j = lane; j < nc; j += TPR) o[j] = is_positive(rl, cl, i, j) ? wexp(T(s[j] - lse)) : T(0);
}

// One thread per column j walking the rows (consecutive threads, consecutive columns: the
// reads and writes of a row coalesce).
template <typename T>
__global__ void confidence_cols_kernel(int64_t nr, int64_t nc, const T* __restrict__ S, const int64_t* __restrict__ rl,
                                       const int64_t* __restrict__ cl, T* __restrict__ out) {
  const int64_t j = global_thread();
  if (j >= nc) return;
  T m = neg_infinity<T>();
  bool any = false;
  for (int64_t i = 0; i < nr; ++i)
    if (is_positive(rl, cl, i, j)) {
      m = wmax(m, S[i * nc + j]);
      any = true;
    }
  double sum = 0;
  if (any)
    for (int64_t i = 0; i < nr; ++i)
      if (is_positive(rl, cl, i, j)) sum += double(wexp(T(S[i * nc + j] - m)));
  const T lse = any ? T(double(m) + log(sum)) : T(0);
  for (int64_t i = 0; i < nr; ++i)
    out[i * nc + j] = any && is_positive(rl, cl, i, j) ? wexp(T(S[i * nc + j] - lse)) : T(0);
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_uncertainty_confidence(int32_t dtype, int64_t n_rows, int64_t n_cols, const void* logits,
                                       const int64_t* row_labels, const int64_t* col_labels, void* conf_i2t,
                                       void* conf_t2i, cudaStream_t stream) {
  if (n_rows <= 0 || n_cols <= 0) return;
  dispatch_float(dtype, "uncertainty_confidence", [&](auto zero) {
    using T = decltype(zero);
    const T* S = static_cast<const T*>(logits);
    if (conf_i2t)
      launch_rows("uncertainty_confidence", n_rows, n_cols, stream,
                  [](auto tpr) { return confidence_rows_kernel<T, decltype(tpr)::value>; }, n_rows, n_cols, S,
                  row_labels, col_labels, static_cast<T*>(conf_i2t));
    if (conf_t2i)
      launch("uncertainty_confidence", confidence_cols_kernel<T>, unsigned(ceil_div(n_cols, kThreads)), kThreads, 0,
             stream, n_rows, n_cols, S, row_labels, col_labels, static_cast<T*>(conf_t2i));
  });
}
