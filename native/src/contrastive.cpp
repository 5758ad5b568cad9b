// uITC loss and gradient (wp/contrastive.h): the materialised kernel on given logits, and
// the fused kernel that recomputes S one block of rows at a time from the features.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>
#include "uitc_state.h"
#include "wp/contrastive.h"

using namespace wp;

namespace {

// Aligned scratch that frees itself.
template <typename T>
struct Buffer {
  T* ptr = nullptr;
  explicit Buffer(int64_t n) {
    if (n > 0) ptr = static_cast<T*>(std::aligned_alloc(64, ((n * sizeof(T) + 63) / 64) * 64));
    if (n > 0 && ptr == nullptr) fail("contrastive: cannot allocate " + std::to_string(n * sizeof(T)) + " bytes");
  }
  ~Buffer() { std::free(ptr); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
};

template <typename T>
void write_losses(const double l[3], void* out) {
  T* o = static_cast<T*>(out);
  for (int k = 0; k < 3; ++k) o[k] = T(l[k]);
}

template <typename T>
void contrastive_logits(int64_t nr, int64_t nc, const T* S, const int64_t* rl, const int64_t* cl, double alpha,
                        const T* ci2t, const T* ct2i, void* losses, T* dS) {
  UitcState<T> st(nr, nc, rl, cl, alpha, ci2t, ct2i);
  st.add_block(S, 0, nr);
  double l[3];
  st.finish(l);
  write_losses<T>(l, losses);
  if (dS == nullptr) return;
  if (dS != S) std::memcpy(dS, S, sizeof(T) * nr * nc);
  st.grad_block(dS, 0, nr);
}

// Rows per block: about 2^20 logits per block (4 MiB in float) keeps the block in the last
// level cache between the GEMM that writes it and the loops that read it, while each GEMM
// still gets a few hundred rows; never fewer than 16 rows or more than n_rows.
int64_t auto_block_rows(int32_t dtype, int64_t nr, int64_t nc, int64_t d) {
  const int64_t target = (dtype == WP_F64 ? int64_t(1) << 19 : int64_t(1) << 20);
  int64_t br = target / std::max<int64_t>(nc, 1);
  br = std::max<int64_t>(br, 16);
  return std::min<int64_t>(br, nr);
}

template <typename T>
void contrastive_fused(int64_t nr, int64_t nc, int64_t d, const T* F, const T* G, double tau, const int64_t* rl,
                       const int64_t* cl, double alpha, const T* ci2t, const T* ct2i, int64_t br, void* losses,
                       T* dF, T* dG, T* dtau) {
  Buffer<T> f(nr * d), g(nc * d), den_r(nr), den_c(nc), blk(br * nc);
  normalize_rows(nr, d, F, f.ptr, den_r.ptr);
  normalize_rows(nc, d, G, g.ptr, den_c.ptr);
  const T inv_tau = T(1.0 / tau);
  UitcState<T> st(nr, nc, rl, cl, alpha, ci2t, ct2i);
  for (int64_t i0 = 0; i0 < nr; i0 += br) {
    const int64_t i1 = std::min(nr, i0 + br);
    blas_gemm<T>(false, true, i1 - i0, nc, d, inv_tau, f.ptr + i0 * d, d, g.ptr, d, T(0), blk.ptr, nc);
    st.add_block(blk.ptr, i0, i1);
  }
  double l[3];
  st.finish(l);
  write_losses<T>(l, losses);
  if (dF == nullptr && dG == nullptr && dtau == nullptr) return;

  // df and dg accumulate in the outputs (or scratch when an output is not wanted).
  std::unique_ptr<Buffer<T>> df_scratch, dg_scratch;
  T* df = dF;
  T* dg = dG;
  if (df == nullptr) { df_scratch = std::make_unique<Buffer<T>>(nr * d); df = df_scratch->ptr; }
  if (dg == nullptr) { dg_scratch = std::make_unique<Buffer<T>>(nc * d); dg = dg_scratch->ptr; }
  double dS_dot_S = 0;
  for (int64_t i0 = 0; i0 < nr; i0 += br) {
    const int64_t i1 = std::min(nr, i0 + br), rows = i1 - i0;
    blas_gemm<T>(false, true, rows, nc, d, inv_tau, f.ptr + i0 * d, d, g.ptr, d, T(0), blk.ptr, nc);
    dS_dot_S += st.grad_block(blk.ptr, i0, i1);
    blas_gemm<T>(false, false, rows, d, nc, inv_tau, blk.ptr, nc, g.ptr, d, T(0), df + i0 * d, d);
    blas_gemm<T>(true, false, nc, d, rows, inv_tau, blk.ptr, nc, f.ptr + i0 * d, d, T(i0 == 0 ? 0 : 1), dg, d);
  }
  if (dF != nullptr) normalize_rows_backward(nr, d, f.ptr, den_r.ptr, dF, dF);
  if (dG != nullptr) normalize_rows_backward(nc, d, g.ptr, den_c.ptr, dG, dG);
  if (dtau != nullptr) *dtau = T(-dS_dot_S / tau);
}

}  // namespace

WP_API void wp_contrastive_logits(int32_t dtype, int64_t n_rows, int64_t n_cols, const void* logits,
                                  const int64_t* row_labels, const int64_t* col_labels, double alpha,
                                  const void* conf_i2t, const void* conf_t2i, void* losses, void* grad_logits) {
  if (n_rows <= 0 || n_cols <= 0) return;
  dispatch_float(dtype, "contrastive_logits", [&](auto zero) {
    using T = decltype(zero);
    contrastive_logits<T>(n_rows, n_cols, static_cast<const T*>(logits), row_labels, col_labels, alpha,
                          static_cast<const T*>(conf_i2t), static_cast<const T*>(conf_t2i), losses,
                          static_cast<T*>(grad_logits));
  });
}

WP_API int64_t wp_contrastive_auto_block_rows(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim) {
  return auto_block_rows(dtype, n_rows, n_cols, dim);
}

WP_API void wp_contrastive_fused(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim, const void* feat_rows,
                                 const void* feat_cols, double tau, const int64_t* row_labels,
                                 const int64_t* col_labels, double alpha, const void* conf_i2t, const void* conf_t2i,
                                 int64_t block_rows, void* losses, void* grad_rows, void* grad_cols, void* grad_tau) {
  if (n_rows <= 0 || n_cols <= 0 || dim <= 0) return;
  const int64_t br = block_rows > 0 ? std::min(block_rows, n_rows) : auto_block_rows(dtype, n_rows, n_cols, dim);
  dispatch_float(dtype, "contrastive_fused", [&](auto zero) {
    using T = decltype(zero);
    contrastive_fused<T>(n_rows, n_cols, dim, static_cast<const T*>(feat_rows), static_cast<const T*>(feat_cols), tau,
                         row_labels, col_labels, alpha, static_cast<const T*>(conf_i2t),
                         static_cast<const T*>(conf_t2i), br, losses, static_cast<T*>(grad_rows),
                         static_cast<T*>(grad_cols), static_cast<T*>(grad_tau));
  });
}
