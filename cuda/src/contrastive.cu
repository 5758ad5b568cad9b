// uITC (docs/method.md sections 2-3) on materialised logits S [nr, nc]. Three passes:
//  1. row statistics (a row group per row): log-sum-exp, positive count, target mass sum_q and
//     the row's loss term; column statistics (a thread per column): the same over the column;
//  2. one block: R, C (rows / columns with positives), the losses {L, L_i2t, L_t2i};
//  3. dS_ij = exp(S_ij - lse_i) sum_q_i / 2R + exp(S_ij - clse_j) sum_q_j / 2C, minus the
//     targets q_i2t / 2R + q_t2i / 2C at the positive entries (in place when dS aliases S).
// The arithmetic follows the CPU twin (uitc_state.h): T where it rounds to T, double sums.
#include "kernel_util.cuh"
#include "method_util.cuh"
#include "row_util.cuh"
#include "wpc/contrastive.h"
#include "wpc/similarity.h"

namespace wpc {
namespace {

// Workspace layout, in doubles (T-valued statistics are rounded to T, then stored).
struct Stats {
  double *row_lse, *row_pos_lse, *row_sum_q, *row_loss, *row_k;
  double *col_lse, *col_pos_lse, *col_sum_q, *col_loss, *col_k;
  double* totals;  // R, C
  static int64_t doubles(int64_t nr, int64_t nc) { return 5 * (nr + nc) + 2; }
  static Stats at(void* ws, int64_t nr, int64_t nc) {
    double* p = static_cast<double*>(ws);
    Stats s;
    s.row_lse = p; p += nr;
    s.row_pos_lse = p; p += nr;
    s.row_sum_q = p; p += nr;
    s.row_loss = p; p += nr;
    s.row_k = p; p += nr;
    s.col_lse = p; p += nc;
    s.col_pos_lse = p; p += nc;
    s.col_sum_q = p; p += nc;
    s.col_loss = p; p += nc;
    s.col_k = p; p += nc;
    s.totals = p;
    return s;
  }
};

struct Targets {
  const int64_t* rl;
  const int64_t* cl;
  double alpha;  // 0 for the strict pairs
};

template <typename T, int TPR>
__global__ void row_stats_kernel(int64_t nr, int64_t nc, const T* __restrict__ S, Targets tg,
                                 const T* __restrict__ ext, Stats st) {
  __shared__ T tscratch[32];
  __shared__ double dscratch[32];
  const int64_t i = RowGroup<TPR>::row();
  if (TPR == 32 && i >= nr) return;
  const int lane = RowGroup<TPR>::lane();
  const T* s = S + i * nc;
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

template <typename T>
__global__ void col_stats_kernel(int64_t nr, int64_t nc, const T* __restrict__ S, Targets tg, const T* __restrict__ ext,
                                 Stats st) {
  const int64_t j = global_thread();
  if (j >= nc) return;
  T m = neg_infinity<T>();
  double pm = -double(INFINITY), k = 0, plain = 0;
  for (int64_t i = 0; i < nr; ++i) {
    const T sv = S[i * nc + j];
    m = wmax(m, sv);
    if (is_positive(tg.rl, tg.cl, i, j)) {
      pm = wmax(pm, double(sv));
      k += 1;
      plain += double(sv);
    }
  }
  double e = 0, ps = 0, pw = 0, ext_sum = 0, ext_w = 0;
  for (int64_t i = 0; i < nr; ++i) {
    const T sv = S[i * nc + j];
    e += double(wexp(T(sv - m)));
    if (is_positive(tg.rl, tg.cl, i, j)) {
      if (ext) {
        ext_sum += double(ext[i * nc + j]);
        ext_w += double(ext[i * nc + j]) * double(sv);
      } else {
        const double x = exp(double(sv) - pm);  // the CPU twin sums these positive terms in double
        ps += x;
        pw += x * double(sv);
      }
    }
  }
  const double lse = double(m) + log(e);
  st.col_lse[j] = double(T(lse));
  st.col_k[j] = k;
  st.col_pos_lse[j] = 0;
  if (k == 0) {
    st.col_sum_q[j] = 0;
    st.col_loss[j] = 0;
    return;
  }
  const double alpha = tg.alpha;
  double sum_q, sum_qs;
  if (ext) {
    sum_q = (1 - alpha) + alpha * ext_sum;
    sum_qs = (1 - alpha) * plain / k + alpha * ext_w;
  } else {
    st.col_pos_lse[j] = double(T(pm + log(ps)));
    sum_q = 1.0;
    sum_qs = (1 - alpha) * plain / k + alpha * pw / ps;
  }
  st.col_sum_q[j] = sum_q;
  st.col_loss[j] = lse * sum_q - sum_qs;
}

// One block: R, C and the three losses.
template <typename T>
__global__ void finish_kernel(int64_t nr, int64_t nc, Stats st, T* losses) {
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

template <typename T>
__global__ void grad_kernel(int64_t nr, int64_t nc, const T* S, Targets tg, const T* __restrict__ ext_i2t,
                            const T* __restrict__ ext_t2i, Stats st, T* dS) {
  const double R = st.totals[0], C = st.totals[1];
  const int64_t total = nr * nc;
  for (int64_t e = global_thread(); e < total; e += global_stride()) {
    const int64_t i = e / nc, j = e - i * nc;
    const T sv = S[e];
    const T wr = st.row_k[i] > 0 ? T(st.row_sum_q[i] / (2.0 * R)) : T(0);
    const T wc = st.col_k[j] > 0 ? T(st.col_sum_q[j] / (2.0 * C)) : T(0);
    T ds = wexp(T(sv - T(st.row_lse[i]))) * wr + wexp(T(sv - T(st.col_lse[j]))) * wc;
    if (is_positive(tg.rl, tg.cl, i, j)) {
      double ci = 0, ct = 0;
      if (tg.alpha != 0) {
        ci = ext_i2t ? double(ext_i2t[e]) : double(wexp(T(sv - T(st.row_pos_lse[i]))));
        ct = ext_t2i ? double(ext_t2i[e]) : double(wexp(T(sv - T(st.col_pos_lse[j]))));
      }
      const double qi = (1 - tg.alpha) / st.row_k[i] + tg.alpha * ci;
      const double qt = (1 - tg.alpha) / st.col_k[j] + tg.alpha * ct;
      ds -= T(qi / (2.0 * R) + qt / (2.0 * C));
    }
    dS[e] = ds;
  }
}

template <typename T>
void contrastive(int64_t nr, int64_t nc, const T* S, const int64_t* rl, const int64_t* cl, double alpha,
                 const T* ext_i2t, const T* ext_t2i, T* losses, T* dS, void* ws, cudaStream_t stream) {
  const Stats st = Stats::at(ws, nr, nc);
  const Targets tg{rl, cl, rl && cl ? alpha : 0.0};
  launch_rows("contrastive", nr, nc, stream, [](auto tpr) { return row_stats_kernel<T, decltype(tpr)::value>; }, nr,
              nc, S, tg, ext_i2t, st);
  launch("contrastive", col_stats_kernel<T>, unsigned(ceil_div(nc, kThreads)), kThreads, 0, stream, nr, nc, S, tg,
         ext_t2i, st);
  launch("contrastive", finish_kernel<T>, 1, 1024, 0, stream, nr, nc, st, losses);
  if (dS)
    launch("contrastive", grad_kernel<T>, grid_stride_blocks(nr * nc), kThreads, 0, stream, nr, nc, S, tg, ext_i2t,
           ext_t2i, st, dS);
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

// Workspace of the fused form: the statistics, S, dS, f, g, the two norms, the dtau partials.
WP_API int64_t wpc_contrastive_fused_workspace_bytes(int32_t dtype, int64_t n_rows, int64_t n_cols, int64_t dim) {
  const int64_t t = dtype == WP_F64 ? 8 : 4;
  return wpc_contrastive_logits_workspace_bytes(dtype, n_rows, n_cols) + 2 * align256(t * n_rows * n_cols) +
         align256(t * n_rows * dim) + align256(t * n_cols * dim) + align256(t * n_rows) + align256(t * n_cols) +
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
  char* p = static_cast<char*>(workspace);
  void* stats = p;
  p += wpc_contrastive_logits_workspace_bytes(dtype, n_rows, n_cols);
  void* S = p;
  p += align256(t * n_rows * n_cols);
  void* dS = p;
  p += align256(t * n_rows * n_cols);
  void* f = p;
  p += align256(t * n_rows * dim);
  void* g = p;
  p += align256(t * n_cols * dim);
  void* nrm_r = p;
  p += align256(t * n_rows);
  void* nrm_c = p;
  p += align256(t * n_cols);
  void* dtau_ws = p;
  wpc_similarity_forward(dtype, n_rows, n_cols, dim, feat_rows, feat_cols, tau, f, g, nrm_r, nrm_c, S, stream);
  const bool grads = grad_rows || grad_cols || grad_tau;
  wpc_contrastive_logits(dtype, n_rows, n_cols, S, row_labels, col_labels, alpha, conf_i2t, conf_t2i, losses,
                         grads ? dS : nullptr, stats, stream);
  if (grads)
    wpc_similarity_backward(dtype, n_rows, n_cols, dim, f, g, nrm_r, nrm_c, tau, S, dS, grad_rows, grad_cols, grad_tau,
                            dtau_ws, stream);
}
