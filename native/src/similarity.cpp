// Fused L2 normalisation + similarity + temperature (wp/similarity.h).
#include <vector>
#include "method_common.h"

using namespace wp;

namespace {

template <typename T>
void similarity_forward(int64_t nr, int64_t nc, int64_t d, const T* F, const T* G, double tau, T* f, T* g, T* den_r,
                        T* den_c, T* S) {
  normalize_rows(nr, d, F, f, den_r);
  normalize_rows(nc, d, G, g, den_c);
  blas_gemm<T>(false, true, nr, nc, d, T(1.0 / tau), f, d, g, d, T(0), S, nc);
}

template <typename T>
WP_HOT double dot_range(int64_t n, const T* a, const T* b) {
  return lane_sum<T>(n, [a, b](int64_t i) { return a[i] * b[i]; });
}

// sum_i a_i b_i over n elements, in parallel chunks.
template <typename T>
double dot_sum(int64_t n, const T* a, const T* b) {
  const int64_t chunk = 1 << 16;
  const int64_t nchunks = (n + chunk - 1) / chunk;
  std::vector<double> partial(nchunks, 0.0);
  parallel_chunks(nchunks, chunk, [&](int64_t cb, int64_t ce) {
    for (int64_t c = cb; c < ce; ++c) {
      const int64_t lo = c * chunk, hi = std::min(n, lo + chunk);
      partial[c] = dot_range(hi - lo, a + lo, b + lo);
    }
  });
  double total = 0;
  for (double p : partial) total += p;
  return total;
}

template <typename T>
void similarity_backward(int64_t nr, int64_t nc, int64_t d, const T* f, const T* g, const T* den_r, const T* den_c,
                         double tau, const T* S, const T* dS, T* dF, T* dG, T* dtau) {
  const T inv_tau = T(1.0 / tau);
  if (dtau != nullptr) *dtau = T(-dot_sum(nr * nc, dS, S) / tau);
  if (dF != nullptr) {
    blas_gemm<T>(false, false, nr, d, nc, inv_tau, dS, nc, g, d, T(0), dF, d);
    normalize_rows_backward(nr, d, f, den_r, dF, dF);
  }
  if (dG != nullptr) {
    blas_gemm<T>(true, false, nc, d, nr, inv_tau, dS, nc, f, d, T(0), dG, d);
    normalize_rows_backward(nc, d, g, den_c, dG, dG);
  }
}

}  // namespace

WP_API void wp_similarity_forward(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim, const void* feat_rows,
                                  const void* feat_cols, double tau, void* unit_rows, void* unit_cols, void* norm_rows,
                                  void* norm_cols, void* logits) {
  if (n_rows <= 0 || n_cols <= 0 || dim <= 0) return;
  dispatch_float(dtype, "similarity_forward", [&](auto zero) {
    using T = decltype(zero);
    similarity_forward<T>(n_rows, n_cols, dim, static_cast<const T*>(feat_rows), static_cast<const T*>(feat_cols), tau,
                          static_cast<T*>(unit_rows), static_cast<T*>(unit_cols), static_cast<T*>(norm_rows),
                          static_cast<T*>(norm_cols), static_cast<T*>(logits));
  });
}

WP_API void wp_similarity_backward(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim, const void* unit_rows,
                                   const void* unit_cols, const void* norm_rows, const void* norm_cols, double tau,
                                   const void* logits, const void* grad_logits, void* grad_rows, void* grad_cols,
                                   void* grad_tau) {
  if (n_rows <= 0 || n_cols <= 0 || dim <= 0) return;
  dispatch_float(dtype, "similarity_backward", [&](auto zero) {
    using T = decltype(zero);
    similarity_backward<T>(n_rows, n_cols, dim, static_cast<const T*>(unit_rows), static_cast<const T*>(unit_cols),
                           static_cast<const T*>(norm_rows), static_cast<const T*>(norm_cols), tau,
                           static_cast<const T*>(logits), static_cast<const T*>(grad_logits),
                           static_cast<T*>(grad_rows), static_cast<T*>(grad_cols), static_cast<T*>(grad_tau));
  });
}
