// uITC (docs/method.md sections 2-3) on logits S [nr, nc], given whole (materialised) or one
// block of rows at a time (tiled: the caller recomputes S by GEMM for each block, twice, so S
// is never stored whole). A block always spans every column, so its rows' statistics are
// exact; the columns' are running (maximum, sum) pairs, rescaled when the maximum grows (the
// online softmax of the CPU twin, uitc_state.h). Kernels:
//  1. reset_columns: empty running column statistics;
//  2. per block: row statistics (a row group per row): log-sum-exp, positive count, target
//     mass sum_q and the row's loss term; column accumulation (a thread per column);
//  3. col_finish (a thread per column): the columns' log-sum-exps and loss terms; finish (one
//     block): R, C (rows / columns with positives), the losses {L, L_i2t, L_t2i};
//  4. per block: dS_ij = exp(S_ij - lse_i) sum_q_i / 2R + exp(S_ij - clse_j) sum_q_j / 2C,
//     minus the targets q_i2t / 2R + q_t2i / 2C at the positive entries (in place when dS
//     aliases S), and each row's sum_j dS_ij S_ij for dL/dtau.
// The arithmetic follows the CPU twin: T where it rounds to T, double sums.
#include "kernel_util.cuh"
#include "method_util.cuh"
#include "row_util.cuh"
#include "wpc/contrastive.h"
#include "wpc/gemm.h"
#include "wpc/similarity.h"

namespace wpc {
namespace {

// Workspace layout, in doubles (T-valued statistics are rounded to T, then stored).
struct Stats {
  double *row_lse, *row_pos_lse, *row_sum_q, *row_loss, *row_k, *row_dot;
  double *col_lse, *col_pos_lse, *col_sum_q, *col_loss, *col_k;
  // running column statistics: maximum and sum exp(S - max) over all entries; over the
  // positive entries maximum, sum exp, sum exp * S, sum S, and external c, c * S
  double *col_max, *col_sum, *col_pmax, *col_psum, *col_pwsum, *col_plain, *col_ext, *col_ext_w;
  double* totals;  // R, C
  static int64_t doubles(int64_t nr, int64_t nc) { return 6 * nr + 13 * nc + 2; }
  static Stats at(void* ws, int64_t nr, int64_t nc) {
    double* p = static_cast<double*>(ws);
    Stats s;
    for (double** r : {&s.row_lse, &s.row_pos_lse, &s.row_sum_q, &s.row_loss, &s.row_k, &s.row_dot}) {
      *r = p;
      p += nr;
    }
    for (double** c : {&s.col_lse, &s.col_pos_lse, &s.col_sum_q, &s.col_loss, &s.col_k, &s.col_max, &s.col_sum,
                       &s.col_pmax, &s.col_psum, &s.col_pwsum, &s.col_plain, &s.col_ext, &s.col_ext_w}) {
      *c = p;
      p += nc;
    }
    s.totals = p;
    return s;
  }
};

struct Targets {
  const int64_t* rl;
  const int64_t* cl;
  double alpha;  // 0 for the strict pairs
};

// exp(a - m) for merging running sums; an empty side (a = -inf) contributes nothing.
__device__ __forceinline__ double rescale(double a, double m) { return a == -double(INFINITY) ? 0.0 : exp(a - m); }

__global__ void reset_columns_kernel(int64_t nc, Stats st) {
  const int64_t j = global_thread();
  if (j >= nc) return;
  st.col_max[j] = st.col_pmax[j] = -double(INFINITY);
  st.col_sum[j] = st.col_psum[j] = st.col_pwsum[j] = st.col_plain[j] = st.col_ext[j] = st.col_ext_w[j] = 0;
  st.col_k[j] = 0;
}

// Rows [row0, row0 + rows) of S, given as S_blk [rows, nc].
template <typename T, int TPR>
__global__ void row_stats_kernel(int64_t row0, int64_t rows, int64_t nc, const T* __restrict__ S_blk, Targets tg,
                                 const T* __restrict__ ext, Stats st) {
  __shared__ T tscratch[32];
  __shared__ double dscratch[32];
  const int64_t local = RowGroup<TPR>::row();
  if (TPR == 32 && local >= rows) return;
  const int64_t i = row0 + local;
  const int lane = RowGroup<TPR>::lane();
  const T* s = S_blk + local * nc;
  // log-sum-exp over the row, and the positives' count and maximum
  T m = neg_infinity<T>(), pm = neg_infinity<T>();
  double k = 0;
  for (int64_t j = lane; j < nc; j += TPR) {
    m = wmax(m, s[j]);
    if (is_positive(tg.rl, tg.cl, i, j)) {
      pm = wmax(pm, s[j]);
      k += 1;
    }
  }
  m = group_max<TPR>(m, tscratch);
  pm = group_max<TPR>(pm, tscratch);
  k = group_sum<TPR>(k, dscratch);
  double e = 0, plain = 0, ps = 0, csum = 0, cs = 0;
  for (int64_t j = lane; j < nc; j += TPR) {
    e += double(wexp(T(s[j] - m)));
    if (is_positive(tg.rl, tg.cl, i, j)) {
      plain += double(s[j]);
      if (ext) {
        csum += double(ext[i * nc + j]);
        cs += double(ext[i * nc + j]) * double(s[j]);
      } else {
        ps += double(wexp(T(s[j] - pm)));
      }
    }
  }
  e = group_sum<TPR>(e, dscratch);
  plain = group_sum<TPR>(plain, dscratch);
  ps = group_sum<TPR>(ps, dscratch);
  csum = group_sum<TPR>(csum, dscratch);
  cs = group_sum<TPR>(cs, dscratch);
  const double lse = double(m) + log(e);
  const double alpha = tg.alpha;
  T lse_pos = T(0);
  double computed_cs = 0;
  if (!ext && k > 0) {
    lse_pos = T(double(pm) + log(ps));
    if (alpha != 0) {
      for (int64_t j = lane; j < nc; j += TPR)
        if (is_positive(tg.rl, tg.cl, i, j)) computed_cs += double(wexp(T(s[j] - lse_pos))) * double(s[j]);
    }
  }
  computed_cs = group_sum<TPR>(computed_cs, dscratch);
  if (lane != 0) return;
  st.row_lse[i] = double(T(lse));
  st.row_k[i] = k;
  st.row_pos_lse[i] = double(lse_pos);
  if (k == 0) {
    st.row_sum_q[i] = 0;
    st.row_loss[i] = 0;
    return;
  }
  double sum_q, sum_qs;
  if (ext) {
    sum_q = (1 - alpha) + alpha * csum;
    sum_qs = (1 - alpha) * plain / k + alpha * cs;
  } else {
    sum_q = 1.0;
    sum_qs = (1 - alpha) * plain / k + alpha * computed_cs;
  }
  st.row_sum_q[i] = sum_q;
  st.row_loss[i] = lse * sum_q - sum_qs;
}

// Adds rows [row0, row0 + rows) (S_blk [rows, nc]) to the running column statistics.
template <typename T>
__global__ void col_accumulate_kernel(int64_t row0, int64_t rows, int64_t nc, const T* __restrict__ S_blk, Targets tg,
                                      const T* __restrict__ ext, Stats st) {
  const int64_t j = global_thread();
  if (j >= nc) return;
  T m = neg_infinity<T>();
  for (int64_t r = 0; r < rows; ++r) m = wmax(m, S_blk[r * nc + j]);
  const T old_max = T(st.col_max[j]), M = wmax(old_max, m);
  double e = 0;
  for (int64_t r = 0; r < rows; ++r) e += double(wexp(T(S_blk[r * nc + j] - M)));
  st.col_sum[j] = st.col_sum[j] * rescale(double(old_max), double(M)) + e;
  st.col_max[j] = double(M);
  double k = st.col_k[j], plain = st.col_plain[j], pm = st.col_pmax[j], ps = st.col_psum[j], pw = st.col_pwsum[j];
  double ext_sum = st.col_ext[j], ext_w = st.col_ext_w[j];
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t i = row0 + r;
    if (!is_positive(tg.rl, tg.cl, i, j)) continue;
    const double sv = double(S_blk[r * nc + j]);
    k += 1;
    plain += sv;
    if (ext) {
      ext_sum += double(ext[i * nc + j]);
      ext_w += double(ext[i * nc + j]) * sv;
    } else if (sv > pm) {  // the CPU twin sums these positive terms in double, online
      const double scale = rescale(pm, sv);
      ps = ps * scale + 1.0;
      pw = pw * scale + sv;
      pm = sv;
    } else {
      const double x = exp(sv - pm);
      ps += x;
      pw += x * sv;
    }
  }
  st.col_k[j] = k;
  st.col_plain[j] = plain;
  st.col_pmax[j] = pm;
  st.col_psum[j] = ps;
  st.col_pwsum[j] = pw;
  st.col_ext[j] = ext_sum;
  st.col_ext_w[j] = ext_w;
}

// The columns' log-sum-exps and loss terms from their running statistics.
template <typename T>
__global__ void col_finish_kernel(int64_t nc, double alpha, bool ext, Stats st) {
  const int64_t j = global_thread();
  if (j >= nc) return;
  const double lse = st.col_max[j] + log(st.col_sum[j]);
  st.col_lse[j] = double(T(lse));
  st.col_pos_lse[j] = 0;
  const double k = st.col_k[j];
  if (k == 0) {
    st.col_sum_q[j] = 0;
    st.col_loss[j] = 0;
    return;
  }
  double sum_q, sum_qs;
  if (ext) {
    sum_q = (1 - alpha) + alpha * st.col_ext[j];
    sum_qs = (1 - alpha) * st.col_plain[j] / k + alpha * st.col_ext_w[j];
  } else {
    st.col_pos_lse[j] = double(T(st.col_pmax[j] + log(st.col_psum[j])));
    sum_q = 1.0;
    sum_qs = (1 - alpha) * st.col_plain[j] / k + alpha * st.col_pwsum[j] / st.col_psum[j];
  }
  st.col_sum_q[j] = sum_q;
  st.col_loss[j] = lse * sum_q - sum_qs;
}

// One block: R, C and the three losses.
template <typename T>
__global__ void __launch_bounds__(kFinishThreads) finish_kernel(int64_t nr, int64_t nc, Stats st, T* losses) {
  __shared__ double scratch[32];
  double rt = 0, R = 0, ct = 0, C = 0;
  for (int64_t i = threadIdx.x; i < nr; i += blockDim.x)
    if (st.row_k[i] > 0) {
      rt += st.row_loss[i];
      R += 1;
    }
  for (int64_t j = threadIdx.x; j < nc; j += blockDim.x)
    if (st.col_k[j] > 0) {
      ct += st.col_loss[j];
      C += 1;
    }
  rt = block_sum(rt, scratch);
  R = block_sum(R, scratch);
  ct = block_sum(ct, scratch);
  C = block_sum(C, scratch);
  if (threadIdx.x != 0) return;
  st.totals[0] = R;
  st.totals[1] = C;
  const double li2t = R > 0 ? rt / R : 0.0, lt2i = C > 0 ? ct / C : 0.0;
  if (losses) {
    losses[0] = T(0.5 * (li2t + lt2i));
    losses[1] = T(li2t);
    losses[2] = T(lt2i);
  }
}

// dS over rows [row0, row0 + rows) (S_blk [rows, nc] in, dS_blk out: may alias), and when
// dot is set each row's sum_j dS_ij S_ij into st.row_dot.
template <typename T, int TPR>
__global__ void grad_kernel(int64_t row0, int64_t rows, int64_t nc, const T* S_blk, Targets tg,
                            const T* __restrict__ ext_i2t, const T* __restrict__ ext_t2i, Stats st, T* dS_blk,
                            bool dot) {
  __shared__ double dscratch[32];
  const int64_t local = RowGroup<TPR>::row();
  if (TPR == 32 && local >= rows) return;
  const int64_t i = row0 + local;
  const int lane = RowGroup<TPR>::lane();
  const double R = st.totals[0], C = st.totals[1];
  const T wr = st.row_k[i] > 0 ? T(st.row_sum_q[i] / (2.0 * R)) : T(0);
  const T row_lse = T(st.row_lse[i]);
  double acc = 0;
  for (int64_t j = lane; j < nc; j += TPR) {
    const int64_t e = local * nc + j;
    const T sv = S_blk[e];
    const T wc = st.col_k[j] > 0 ? T(st.col_sum_q[j] / (2.0 * C)) : T(0);
    T ds = wexp(T(sv - row_lse)) * wr + wexp(T(sv - T(st.col_lse[j]))) * wc;
    if (is_positive(tg.rl, tg.cl, i, j)) {
      double ci = 0, ct = 0;
      if (tg.alpha != 0) {
        ci = ext_i2t ? double(ext_i2t[i * nc + j]) : double(wexp(T(sv - T(st.row_pos_lse[i]))));
        ct = ext_t2i ? double(ext_t2i[i * nc + j]) : double(wexp(T(sv - T(st.col_pos_lse[j]))));
      }
      const double qi = (1 - tg.alpha) / st.row_k[i] + tg.alpha * ci;
      const double qt = (1 - tg.alpha) / st.col_k[j] + tg.alpha * ct;
      ds -= T(qi / (2.0 * R) + qt / (2.0 * C));
    }
    acc += double(ds) * double(sv);
    dS_blk[e] = ds;
  }
  if (!dot) return;  // uniform over the launch: no thread skips a barrier
  acc = group_sum<TPR>(acc, dscratch);
  if (lane == 0) st.row_dot[i] = acc;
}

// grad_tau = -(1/tau) sum_i row_dot[i], one block.
template <typename T>
__global__ void __launch_bounds__(kFinishThreads) grad_tau_kernel(int64_t nr, double tau, Stats st, T* grad_tau) {
  __shared__ double scratch[32];
  double acc = 0;
  for (int64_t i = threadIdx.x; i < nr; i += blockDim.x) acc += st.row_dot[i];
  acc = block_sum(acc, scratch);
  if (threadIdx.x == 0) *grad_tau = T(-acc / tau);
}

template <typename T>
void reset_columns(int64_t nc, void* ws, int64_t nr, cudaStream_t stream) {
  launch("contrastive", reset_columns_kernel, unsigned(ceil_div(nc, kThreads)), kThreads, 0, stream, nc,
         Stats::at(ws, nr, nc));
}

template <typename T>
void add_block(int64_t nr, int64_t nc, int64_t row0, int64_t rows, const T* S_blk, const Targets& tg,
               const T* ext_i2t, const T* ext_t2i, void* ws, cudaStream_t stream) {
  const Stats st = Stats::at(ws, nr, nc);
  launch_rows("contrastive", rows, nc, stream, [](auto tpr) { return row_stats_kernel<T, decltype(tpr)::value>; },
              row0, rows, nc, S_blk, tg, ext_i2t, st);
  launch("contrastive", col_accumulate_kernel<T>, unsigned(ceil_div(nc, kThreads)), kThreads, 0, stream, row0, rows,
         nc, S_blk, tg, ext_t2i, st);
}

template <typename T>
void finish(int64_t nr, int64_t nc, const Targets& tg, bool ext_t2i, T* losses, void* ws, cudaStream_t stream) {
  const Stats st = Stats::at(ws, nr, nc);
  launch("contrastive", col_finish_kernel<T>, unsigned(ceil_div(nc, kThreads)), kThreads, 0, stream, nc, tg.alpha,
         ext_t2i, st);
  launch("contrastive", finish_kernel<T>, 1, kFinishThreads, 0, stream, nr, nc, st, losses);
}

template <typename T>
void grad_block(int64_t nr, int64_t nc, int64_t row0, int64_t rows, const T* S_blk, const Targets& tg,
                const T* ext_i2t, const T* ext_t2i, T* dS_blk, bool dot, void* ws, cudaStream_t stream) {
  launch_rows("contrastive", rows, nc, stream, [](auto tpr) { return grad_kernel<T, decltype(tpr)::value>; }, row0,
              rows, nc, S_blk, tg, ext_i2t, ext_t2i, Stats::at(ws, nr, nc), dS_blk, dot);
}

template <typename T>
void contrastive(int64_t nr, int64_t nc, const T* S, const int64_t* rl, const int64_t* cl, double alpha,
                 const T* ext_i2t, const T* ext_t2i, T* losses, T* dS, void* ws, cudaStream_t stream) {
  const Targets tg{rl, cl, rl && cl ? alpha : 0.0};
  reset_columns<T>(nc, ws, nr, stream);
  add_block<T>(nr, nc, 0, nr, S, tg, ext_i2t, ext_t2i, ws, stream);
  finish<T>(nr, nc, tg, ext_t2i != nullptr, losses, ws, stream);
  if (dS) grad_block<T>(nr, nc, 0, nr, S, tg, ext_i2t, ext_t2i, dS, false, ws, stream);
}

int64_t align256(int64_t bytes) { return (bytes + 255) / 256 * 256; }

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API int64_t wpc_contrastive_logits_workspace_bytes(int32_t dtype, int64_t n_rows, int64_t n_cols) {
  return align256(int64_t(sizeof(double)) * Stats::doubles(n_rows, n_cols));
}

WP_API void wpc_contrastive_logits(int32_t dtype, int64_t n_rows, int64_t n_cols, const void* logits,
                                   const int64_t* row_labels, const int64_t* col_labels, double alpha,
                                   const void* conf_i2t, const void* conf_t2i, void* losses, void* grad_logits,
                                   void* workspace, cudaStream_t stream) {
  if (n_rows <= 0 || n_cols <= 0) fail("contrastive_logits: empty logits " + std::to_string(n_rows) + "x" +
                                       std::to_string(n_cols));
  if (row_labels && col_labels && !(alpha >= 0 && alpha <= 1))
    fail("contrastive_logits: alpha must be in [0, 1], got " + std::to_string(alpha));
  dispatch_float(dtype, "contrastive_logits", [&](auto zero) {
    using T = decltype(zero);
    contrastive<T>(n_rows, n_cols, static_cast<const T*>(logits), row_labels, col_labels, alpha,
                   static_cast<const T*>(conf_i2t), static_cast<const T*>(conf_t2i), static_cast<T*>(losses),
                   static_cast<T*>(grad_logits), workspace, stream);
  });
}

// The fused form's row-block size for block_rows <= 0: at least 256 rows and about 2^22
// logits (16 MiB in F32) per block, so each block's GEMMs are large enough for the GPU while
// the block stays far below S (N = 32,768: 256 rows, 32 MiB in F32 against 4 GiB).
WP_API int64_t wpc_contrastive_auto_block_rows(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim) {
  const int64_t target = int64_t(1) << 22;
  return wmin<int64_t>(wmax<int64_t>(target / wmax<int64_t>(n_cols, 1), 256), wmax<int64_t>(n_rows, 1));
}

WP_API int64_t wpc_contrastive_tiled_workspace_bytes(int32_t dtype, int64_t n_rows, int64_t n_cols) {
  return wpc_contrastive_logits_workspace_bytes(dtype, n_rows, n_cols);
}

namespace {

// Rows per block of the fused form: all of them when S is kept, else block_rows or the auto size.
int64_t fused_block_rows(int32_t dtype, int64_t nr, int64_t nc, int64_t dim, int32_t keep, int64_t block_rows) {
  if (keep) return nr;
  return wmin<int64_t>(nr, block_rows > 0 ? block_rows : wpc_contrastive_auto_block_rows(dtype, nr, nc, dim));
}

void check_block(const char* op, int64_t nr, int64_t nc, int64_t row0, int64_t rows) {
  if (nr <= 0 || nc <= 0 || row0 < 0 || rows <= 0 || row0 + rows > nr)
    fail(std::string(op) + ": block of rows [" + std::to_string(row0) + ", " + std::to_string(row0 + rows) +
         ") outside the " + std::to_string(nr) + "x" + std::to_string(nc) + " logits");
}

Targets targets_of(const int64_t* rl, const int64_t* cl, double alpha) { return Targets{rl, cl, rl && cl ? alpha : 0.0}; }

}  // namespace

WP_API void wpc_contrastive_tiled_begin(int32_t dtype, int64_t n_rows, int64_t n_cols, void* workspace,
                                        cudaStream_t stream) {
  if (n_rows <= 0 || n_cols <= 0) fail("contrastive_tiled_begin: empty logits " + std::to_string(n_rows) + "x" +
                                       std::to_string(n_cols));
  reset_columns<float>(n_cols, workspace, n_rows, stream);
}

WP_API void wpc_contrastive_tiled_add_block(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t row0, int64_t rows,
                                            const void* logits_block, const int64_t* row_labels,
                                            const int64_t* col_labels, double alpha, const void* conf_i2t,
                                            const void* conf_t2i, void* workspace, cudaStream_t stream) {
  check_block("contrastive_tiled_add_block", n_rows, n_cols, row0, rows);
  dispatch_float(dtype, "contrastive_tiled_add_block", [&](auto zero) {
    using T = decltype(zero);
    add_block<T>(n_rows, n_cols, row0, rows, static_cast<const T*>(logits_block),
                 targets_of(row_labels, col_labels, alpha), static_cast<const T*>(conf_i2t),
                 static_cast<const T*>(conf_t2i), workspace, stream);
  });
}

WP_API void wpc_contrastive_tiled_finish(int32_t dtype, int64_t n_rows, int64_t n_cols, const int64_t* row_labels,
                                         const int64_t* col_labels, double alpha, const void* conf_t2i, void* losses,
                                         void* workspace, cudaStream_t stream) {
  if (n_rows <= 0 || n_cols <= 0) fail("contrastive_tiled_finish: empty logits");
  if (row_labels && col_labels && !(alpha >= 0 && alpha <= 1))
    fail("contrastive_tiled_finish: alpha must be in [0, 1], got " + std::to_string(alpha));
  dispatch_float(dtype, "contrastive_tiled_finish", [&](auto zero) {
    using T = decltype(zero);
    finish<T>(n_rows, n_cols, targets_of(row_labels, col_labels, alpha), conf_t2i != nullptr, static_cast<T*>(losses),
              workspace, stream);
  });
}

WP_API void wpc_contrastive_tiled_grad_block(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t row0,
                                             int64_t rows, void* logits_block, const int64_t* row_labels,
                                             const int64_t* col_labels, double alpha, const void* conf_i2t,
                                             const void* conf_t2i, void* workspace, cudaStream_t stream) {
  check_block("contrastive_tiled_grad_block", n_rows, n_cols, row0, rows);
  dispatch_float(dtype, "contrastive_tiled_grad_block", [&](auto zero) {
    using T = decltype(zero);
    T* blk = static_cast<T*>(logits_block);
    grad_block<T>(n_rows, n_cols, row0, rows, blk, targets_of(row_labels, col_labels, alpha),
                  static_cast<const T*>(conf_i2t), static_cast<const T*>(conf_t2i), blk, true, workspace, stream);
  });
}

WP_API void wpc_contrastive_tiled_grad_tau(int32_t dtype, int64_t n_rows, int64_t n_cols, double tau, void* grad_tau,
                                           void* workspace, cudaStream_t stream) {
  if (n_rows <= 0 || n_cols <= 0) fail("contrastive_tiled_grad_tau: empty logits");
  dispatch_float(dtype, "contrastive_tiled_grad_tau", [&](auto zero) {
    using T = decltype(zero);
    launch("contrastive_tiled_grad_tau", grad_tau_kernel<T>, 1, kFinishThreads, 0, stream, n_rows, tau,
           Stats::at(workspace, n_rows, n_cols), static_cast<T*>(grad_tau));
  });
}

// Workspace of the fused form: the statistics, f, g, the two norms, the dtau partials, and S and
// dS whole (keep_logits) or one block of S (tiled).
WP_API int64_t wpc_contrastive_fused_workspace_bytes(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim,
                                                     int32_t keep_logits, int64_t block_rows) {
  const int64_t t = dtype == WP_F64 ? 8 : 4;
  const int64_t br = fused_block_rows(dtype, n_rows, n_cols, dim, keep_logits, block_rows);
  const int64_t logits = keep_logits ? 2 * align256(t * n_rows * n_cols) : align256(t * br * n_cols);
  return wpc_contrastive_logits_workspace_bytes(dtype, n_rows, n_cols) + logits + align256(t * n_rows * dim) +
         align256(t * n_cols * dim) + align256(t * n_rows) + align256(t * n_cols) +
         align256(wpc_similarity_dtau_workspace_bytes(n_rows * n_cols));
}

WP_API void wpc_contrastive_fused(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim, const void* feat_rows,
                                  const void* feat_cols, double tau, const int64_t* row_labels,
                                  const int64_t* col_labels, double alpha, const void* conf_i2t, const void* conf_t2i,
                                  int32_t keep_logits, int64_t block_rows, void* losses, void* grad_rows, void* grad_cols, void* grad_tau,
                                  void* workspace, cudaStream_t stream) {
  if (n_rows <= 0 || n_cols <= 0 || dim <= 0)
    fail("contrastive_fused: empty input " + std::to_string(n_rows) + "x" + std::to_string(n_cols) + "x" +
         std::to_string(dim));
  if (!(tau > 0)) fail("contrastive_fused: tau must be > 0, got " + std::to_string(tau));
  const int64_t t = dtype == WP_F64 ? 8 : 4;
  const int64_t br = fused_block_rows(dtype, n_rows, n_cols, dim, keep_logits, block_rows);
  char* p = static_cast<char*>(workspace);
  void* stats = p;
  p += wpc_contrastive_logits_workspace_bytes(dtype, n_rows, n_cols);
  char* S = p;
  p += keep_logits ? align256(t * n_rows * n_cols) : align256(t * br * n_cols);
  void* dS = p;
  if (keep_logits) p += align256(t * n_rows * n_cols);
  void* f = p;
  p += align256(t * n_rows * dim);
  void* g = p;
  p += align256(t * n_cols * dim);
  void* nrm_r = p;
  p += align256(t * n_rows);
  void* nrm_c = p;
  p += align256(t * n_cols);
  void* dtau_ws = p;
  const bool grads = grad_rows || grad_cols || grad_tau;
  if (keep_logits) {
    wpc_similarity_forward(dtype, n_rows, n_cols, dim, feat_rows, feat_cols, tau, f, g, nrm_r, nrm_c, S, stream);
    wpc_contrastive_logits(dtype, n_rows, n_cols, S, row_labels, col_labels, alpha, conf_i2t, conf_t2i, losses,
                           grads ? dS : nullptr, stats, stream);
    if (grads)
      wpc_similarity_backward(dtype, n_rows, n_cols, dim, f, g, nrm_r, nrm_c, tau, S, dS, grad_rows, grad_cols,
                              grad_tau, dtau_ws, stream);
    return;
  }
  // Tiled, with the built-in GEMM (the Java backend composes the same pieces with cuBLAS).
  if (row_labels && col_labels && !(alpha >= 0 && alpha <= 1))
    fail("contrastive_fused: alpha must be in [0, 1], got " + std::to_string(alpha));
  wpc_similarity_normalize(dtype, n_rows, dim, feat_rows, f, nrm_r, stream);
  wpc_similarity_normalize(dtype, n_cols, dim, feat_cols, g, nrm_c, stream);
  const double inv_tau = dtype == WP_F32 ? double(float(1.0 / tau)) : 1.0 / tau;
  auto logits = [&](int64_t i0, int64_t rows) {
    wpc_gemm_batched(dtype, 0, 1, 1, rows, n_cols, dim, inv_tau, static_cast<char*>(f) + t * i0 * dim, dim, 0, g, dim,
                     0, 0.0, S, n_cols, 0, stream);
  };
  wpc_contrastive_tiled_begin(dtype, n_rows, n_cols, stats, stream);
  for (int64_t i0 = 0; i0 < n_rows; i0 += br) {
    const int64_t rows = wmin<int64_t>(br, n_rows - i0);
    logits(i0, rows);
    wpc_contrastive_tiled_add_block(dtype, n_rows, n_cols, i0, rows, S, row_labels, col_labels, alpha, conf_i2t,
                                    conf_t2i, stats, stream);
  }
  wpc_contrastive_tiled_finish(dtype, n_rows, n_cols, row_labels, col_labels, alpha, conf_t2i, losses, stats, stream);
  if (!grads) return;
  for (int64_t i0 = 0; i0 < n_rows; i0 += br) {
    const int64_t rows = wmin<int64_t>(br, n_rows - i0);
    logits(i0, rows);
    wpc_contrastive_tiled_grad_block(dtype, n_rows, n_cols, i0, rows, S, row_labels, col_labels, alpha, conf_i2t,
                                     conf_t2i, stats, stream);
    if (grad_rows)  // df rows = (1/tau) dS_blk g
      wpc_gemm_batched(dtype, 0, 0, 1, rows, dim, n_cols, inv_tau, S, n_cols, 0, g, dim, 0, 0.0,
                       static_cast<char*>(grad_rows) + t * i0 * dim, dim, 0, stream);
    if (grad_cols)  // dg += (1/tau) dS_blk^T f_blk
      wpc_gemm_batched(dtype, 1, 0, 1, n_cols, dim, rows, inv_tau, S, n_cols, 0, static_cast<char*>(f) + t * i0 * dim,
                       dim, 0, i0 == 0 ? 0.0 : 1.0, grad_cols, dim, 0, stream);
  }
  if (grad_tau) wpc_contrastive_tiled_grad_tau(dtype, n_rows, n_cols, tau, grad_tau, stats, stream);
  if (grad_rows) wpc_similarity_normalize_backward(dtype, n_rows, dim, f, nrm_r, grad_rows, grad_rows, stream);
  if (grad_cols) wpc_similarity_normalize_backward(dtype, n_cols, dim, g, nrm_c, grad_cols, grad_cols, stream);
}
