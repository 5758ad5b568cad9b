// Similarity logits S = f g^T / tau of L2-normalised features, and their gradients.
#include "kernel_util.cuh"
#include "row_util.cuh"
#include "wpc/gemm.h"
#include "wpc/similarity.h"

namespace wpc {
namespace {

constexpr double kSimilarityEps = 1e-12;  // WP_SIMILARITY_EPS

template <typename T, int TPR>
__global__ void normalize_kernel(int64_t rows, int64_t dim, const T* __restrict__ x, T* __restrict__ unit,
                                 T* __restrict__ den) {
  __shared__ double scratch[32];
  const int64_t row = RowGroup<TPR>::row();
  if (TPR == 32 && row >= rows) return;
  const int lane = RowGroup<TPR>::lane();
  const T* xr = x + row * dim;
  double ss = 0;
  for (int64_t k = lane; k < dim; k += TPR) ss += double(xr[k] * xr[k]);  // squares in T, as the CPU twin
  ss = group_sum<TPR>(ss, scratch);
  const double d = wmax(sqrt(ss), kSimilarityEps);
  if (lane == 0) den[row] = T(d);
  const T inv = T(1.0 / d);
  T* ur = unit + row * dim;
  for (int64_t k = lane; k < dim; k += TPR) ur[k] = xr[k] * inv;
}

template <typename T, int TPR>
__global__ void normalize_backward_kernel(int64_t rows, int64_t dim, const T* __restrict__ unit,
                                          const T* __restrict__ den, const T* gu, T* gx) {
  __shared__ double scratch[32];
  const int64_t row = RowGroup<TPR>::row();
  if (TPR == 32 && row >= rows) return;
  const int lane = RowGroup<TPR>::lane();
  const T* ur = unit + row * dim;
  const T* gr = gu + row * dim;
  double dot = 0;
  for (int64_t k = lane; k < dim; k += TPR) dot += double(ur[k] * gr[k]);
  dot = group_sum<TPR>(dot, scratch);
  const T inv = T(1.0 / double(den[row]));
  const T d = T(dot);
  T* xr = gx + row * dim;
  for (int64_t k = lane; k < dim; k += TPR) xr[k] = (gr[k] - ur[k] * d) * inv;
}

constexpr int kDtauBlocks = 1024;

template <typename T>
__global__ void dot_partials_kernel(int64_t n, const T* __restrict__ a, const T* __restrict__ b, double* partial) {
  __shared__ double scratch[32];
  double acc = 0;
  for (int64_t i = global_thread(); i < n; i += global_stride()) acc += double(a[i]) * double(b[i]);
  acc = block_sum(acc, scratch);
  if (threadIdx.x == 0) partial[blockIdx.x] = acc;
}

template <typename T>
__global__ void __launch_bounds__(kFinishThreads) dtau_finish_kernel(int blocks, const double* __restrict__ partial, double tau, T* grad_tau) {
  __shared__ double scratch[32];
  double acc = 0;
  for (int i = threadIdx.x; i < blocks; i += blockDim.x) acc += partial[i];
  acc = block_sum(acc, scratch);
  if (threadIdx.x == 0) *grad_tau = T(-acc / tau);
}

template <typename T>
void normalize(int64_t rows, int64_t dim, const T* x, T* unit, T* den, cudaStream_t stream) {
  launch_rows("similarity_normalize", rows, dim, stream,
              [](auto tpr) { return normalize_kernel<T, decltype(tpr)::value>; }, rows, dim, x, unit, den);
}

template <typename T>
void normalize_backward(int64_t rows, int64_t dim, const T* unit, const T* den, const T* gu, T* gx,
                        cudaStream_t stream) {
  launch_rows("similarity_normalize_backward", rows, dim, stream,
              [](auto tpr) { return normalize_backward_kernel<T, decltype(tpr)::value>; }, rows, dim, unit, den, gu,
              gx);
}

unsigned dtau_blocks(int64_t n) { return unsigned(wmin<int64_t>(kDtauBlocks, ceil_div(n, kThreads))); }

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_similarity_normalize(int32_t dtype, int64_t rows, int64_t dim, const void* x, void* unit, void* den,
                                     cudaStream_t stream) {
  if (rows <= 0 || dim <= 0) return;
  dispatch_float(dtype, "similarity_normalize", [&](auto zero) {
    using T = decltype(zero);
    normalize<T>(rows, dim, static_cast<const T*>(x), static_cast<T*>(unit), static_cast<T*>(den), stream);
  });
}

WP_API void wpc_similarity_normalize_backward(int32_t dtype, int64_t rows, int64_t dim, const void* unit,
                                              const void* den, const void* gu, void* gx, cudaStream_t stream) {
  if (rows <= 0 || dim <= 0) return;
  dispatch_float(dtype, "similarity_normalize_backward", [&](auto zero) {
    using T = decltype(zero);
    normalize_backward<T>(rows, dim, static_cast<const T*>(unit), static_cast<const T*>(den),
                          static_cast<const T*>(gu), static_cast<T*>(gx), stream);
  });
}

WP_API int64_t wpc_similarity_dtau_workspace_bytes(int64_t n) { return int64_t(sizeof(double)) * kDtauBlocks; }

WP_API void wpc_similarity_dtau(int32_t dtype, int64_t n, const void* logits, const void* grad_logits, double tau,
                                void* grad_tau, void* workspace, cudaStream_t stream) {
  dispatch_float(dtype, "similarity_dtau", [&](auto zero) {
    using T = decltype(zero);
    if (n <= 0) {
      check(cudaMemsetAsync(grad_tau, 0, sizeof(T), stream), "similarity_dtau", "cudaMemsetAsync");
      return;
    }
    const unsigned blocks = dtau_blocks(n);
    double* partial = static_cast<double*>(workspace);
    launch("similarity_dtau", dot_partials_kernel<T>, blocks, kThreads, 0, stream, n, static_cast<const T*>(logits),
           static_cast<const T*>(grad_logits), partial);
    launch("similarity_dtau", dtau_finish_kernel<T>, 1, kFinishThreads, 0, stream, int(blocks), (const double*)partial, tau,
           static_cast<T*>(grad_tau));
  });
}

WP_API void wpc_similarity_forward(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim, const void* feat_rows,
                                   const void* feat_cols, double tau, void* unit_rows, void* unit_cols,
                                   void* norm_rows, void* norm_cols, void* logits, cudaStream_t stream) {
  if (n_rows <= 0 || n_cols <= 0 || dim <= 0) return;
  dispatch_float(dtype, "similarity_forward", [&](auto zero) {
    using T = decltype(zero);
    normalize<T>(n_rows, dim, static_cast<const T*>(feat_rows), static_cast<T*>(unit_rows), static_cast<T*>(norm_rows),
                 stream);
    normalize<T>(n_cols, dim, static_cast<const T*>(feat_cols), static_cast<T*>(unit_cols), static_cast<T*>(norm_cols),
                 stream);
  });
  // S = (1/tau) f g^T (the scale rounded to the dtype first, as the CPU twin does)
  const double inv_tau = dtype == WP_F32 ? double(float(1.0 / tau)) : 1.0 / tau;
  wpc_gemm_batched(dtype, 0, 1, 1, n_rows, n_cols, dim, inv_tau, unit_rows, dim, 0, unit_cols, dim, 0, 0.0, logits,
                   n_cols, 0, stream);
}

WP_API void wpc_similarity_backward(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim, const void* unit_rows,
                                    const void* unit_cols, const void* norm_rows, const void* norm_cols, double tau,
                                    const void* logits, const void* grad_logits, void* grad_rows, void* grad_cols,
                                    void* grad_tau, void* workspace, cudaStream_t stream) {
  if (n_rows <= 0 || n_cols <= 0 || dim <= 0) return;
  const double inv_tau = dtype == WP_F32 ? double(float(1.0 / tau)) : 1.0 / tau;
  if (grad_tau) wpc_similarity_dtau(dtype, n_rows * n_cols, logits, grad_logits, tau, grad_tau, workspace, stream);
  if (grad_rows) {  // dF = (1/tau) dS g, then through the normalisation, in place
    wpc_gemm_batched(dtype, 0, 0, 1, n_rows, dim, n_cols, inv_tau, grad_logits, n_cols, 0, unit_cols, dim, 0, 0.0,
                     grad_rows, dim, 0, stream);
    wpc_similarity_normalize_backward(dtype, n_rows, dim, unit_rows, norm_rows, grad_rows, grad_rows, stream);
  }
  if (grad_cols) {  // dG = (1/tau) dS^T f
    wpc_gemm_batched(dtype, 1, 0, 1, n_cols, dim, n_rows, inv_tau, grad_logits, n_cols, 0, unit_rows, dim, 0, 0.0,
                     grad_cols, dim, 0, stream);
    wpc_similarity_normalize_backward(dtype, n_cols, dim, unit_cols, norm_cols, grad_cols, grad_cols, stream);
  }
}
