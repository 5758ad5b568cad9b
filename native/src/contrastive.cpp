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

// Threads for nr rows and `work` multiply-adds: at least 16 rows and 2^20 work per thread.
int team_size(int64_t nr, double work) {
  const int64_t by_rows = nr / 16, by_work = int64_t(work / double(1 << 20));
  return int(std::max<int64_t>(1, std::min<int64_t>({int64_t(omp_get_max_threads()), by_rows, by_work})));
}

// [begin, end) of part t when n items are split into nt near-equal contiguous parts.
inline void share(int64_t n, int nt, int t, int64_t& begin, int64_t& end) {
  const int64_t per = (n + nt - 1) / nt;
  begin = std::min(n, int64_t(t) * per);
  end = std::min(n, begin + per);
}

template <typename T>
void contrastive_logits(int64_t nr, int64_t nc, const T* S, const int64_t* rl, const int64_t* cl, double alpha,
                        const T* ci2t, const T* ct2i, void* losses, T* dS) {
  const int nt = team_size(nr, double(nr) * double(nc) * 8);
  UitcState<T> st(nr, nc, rl, cl, alpha, ci2t, ct2i, nt);
  double l[3];
#pragma omp parallel num_threads(nt)
  {
    const int tid = omp_get_thread_num();
    int64_t r0, r1, c0, c1;
    share(nr, nt, tid, r0, r1);
    share(nc, nt, tid, c0, c1);
    if (r0 < r1) st.add_block(tid, S + r0 * nc, r0, r1);
#pragma omp barrier
    st.merge_columns(c0, c1);
#pragma omp barrier
#pragma omp single
    st.finish(l);
    if (dS != nullptr && r0 < r1) {
      if (dS != S) std::memcpy(dS + r0 * nc, S + r0 * nc, sizeof(T) * (r1 - r0) * nc);
      st.grad_block(dS + r0 * nc, r0, r1);
    }
  }
  write_losses<T>(l, losses);
}

// Rows per block when S is recomputed: at least 256, so the GEMM that accumulates dg (K = block
// rows, N_c x D output read and written per block) runs near full speed (measured with 64 and
// 128 rows: about 2x slower at N = 8192), and more for narrow S, about 2^20 logits per block.
int64_t auto_block_rows(int32_t dtype, int64_t nr, int64_t nc, int64_t d) {
  const int64_t target = int64_t(1) << 20;
  return std::min<int64_t>(std::max<int64_t>(target / std::max<int64_t>(nc, 1), 256), nr);
}

template <typename T>
void contrastive_fused(int64_t nr, int64_t nc, int64_t d, const T* F, const T* G, double tau, const int64_t* rl,
                       const int64_t* cl, double alpha, const T* ci2t, const T* ct2i, bool keep,
                       int64_t block_rows, void* losses, T* dF, T* dG, T* dtau) {
  const int nt = team_size(nr, double(nr) * double(nc) * double(d));
  const int64_t per = (nr + nt - 1) / nt;
  const int64_t br = keep ? per
                          : std::min(per, block_rows > 0 ? block_rows
                                                         : auto_block_rows(sizeof(T) == 8 ? WP_F64 : WP_F32, nr, nc, d));
  const bool want_grad = dF != nullptr || dG != nullptr || dtau != nullptr;
  Buffer<T> f(nr * d), g(nc * d), den_r(nr), den_c(nc);
  Buffer<T> blocks(keep ? nr * nc : int64_t(nt) * br * nc);  // keep: all of S; else one block per thread
  // df goes straight to dF's rows (or scratch); dg is accumulated per thread, summed at the end.
  std::unique_ptr<Buffer<T>> df_scratch;
  T* df = dF;
  if (want_grad && df == nullptr) {
    df_scratch = std::make_unique<Buffer<T>>(nr * d);
    df = df_scratch->ptr;
  }
  Buffer<T> dg_threads(want_grad ? int64_t(nt) * nc * d : 0);
  std::vector<double> dot(nt, 0.0);
  const T inv_tau = T(1.0 / tau);
  UitcState<T> st(nr, nc, rl, cl, alpha, ci2t, ct2i, nt);
  auto block_of = [&](int tid, int64_t i0) { return keep ? blocks.ptr + i0 * nc : blocks.ptr + int64_t(tid) * br * nc; };
  auto logits = [&](T* out, int64_t i0, int64_t rows) {
    blas_gemm<T>(false, true, rows, nc, d, inv_tau, f.ptr + i0 * d, d, g.ptr, d, T(0), out, nc);
  };
  double l[3];
#pragma omp parallel num_threads(nt)
  {
    const int tid = omp_get_thread_num();
    int64_t r0, r1, c0, c1;
    share(nr, nt, tid, r0, r1);
    share(nc, nt, tid, c0, c1);
    normalize_row_range(r0, r1, d, F, f.ptr, den_r.ptr);
    normalize_row_range(c0, c1, d, G, g.ptr, den_c.ptr);
#pragma omp barrier
    // Pass 1: S block by block, row and column statistics.
    for (int64_t i0 = r0; i0 < r1; i0 += br) {
      const int64_t i1 = std::min(r1, i0 + br);
      T* blk = block_of(tid, i0);
      logits(blk, i0, i1 - i0);
      st.add_block(tid, blk, i0, i1);
    }
#pragma omp barrier
    st.merge_columns(c0, c1);
#pragma omp barrier
#pragma omp single
    st.finish(l);
    if (want_grad) {
      // Pass 2: dS in place of S (recomputed unless kept), then df and this thread's dg by GEMM.
      T* dg = dg_threads.ptr + int64_t(tid) * nc * d;
      if (r0 >= r1) std::memset(dg, 0, sizeof(T) * nc * d);
      for (int64_t i0 = r0; i0 < r1; i0 += br) {
        const int64_t i1 = std::min(r1, i0 + br), rows = i1 - i0;
        T* blk = block_of(tid, i0);
        if (!keep) logits(blk, i0, rows);
        dot[tid] += st.grad_block(blk, i0, i1);
        blas_gemm<T>(false, false, rows, d, nc, inv_tau, blk, nc, g.ptr, d, T(0), df + i0 * d, d);
        blas_gemm<T>(true, false, nc, d, rows, inv_tau, blk, nc, f.ptr + i0 * d, d, T(i0 == r0 ? 0 : 1), dg, d);
      }
      if (dF != nullptr) normalize_backward_range(r0, r1, d, f.ptr, den_r.ptr, dF, dF);
#pragma omp barrier
      if (dG != nullptr) {
        for (int64_t j = c0; j < c1; ++j) {
          T* out = dG + j * d;
          std::memcpy(out, dg_threads.ptr + j * d, sizeof(T) * d);
          for (int t = 1; t < nt; ++t) {
            const T* part = dg_threads.ptr + (int64_t(t) * nc + j) * d;
            for (int64_t k = 0; k < d; ++k) out[k] += part[k];
          }
        }
        normalize_backward_range(c0, c1, d, g.ptr, den_c.ptr, dG, dG);
      }
    }
  }
  write_losses<T>(l, losses);
  if (dtau != nullptr) {
    double total = 0;
    for (double x : dot) total += x;
    *dtau = T(-total / tau);
  }
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
                                 int32_t keep_logits, int64_t block_rows, void* losses, void* grad_rows,
                                 void* grad_cols, void* grad_tau) {
  if (n_rows <= 0 || n_cols <= 0 || dim <= 0) return;
  dispatch_float(dtype, "contrastive_fused", [&](auto zero) {
    using T = decltype(zero);
    contrastive_fused<T>(n_rows, n_cols, dim, static_cast<const T*>(feat_rows), static_cast<const T*>(feat_cols), tau,
                         row_labels, col_labels, alpha, static_cast<const T*>(conf_i2t),
                         static_cast<const T*>(conf_t2i), keep_logits != 0, block_rows, losses, static_cast<T*>(grad_rows),
                         static_cast<T*>(grad_cols), static_cast<T*>(grad_tau));
  });
}
