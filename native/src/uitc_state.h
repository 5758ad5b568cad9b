// The uITC loss and its gradient over row blocks of the logits (wp/contrastive.h), shared by
// the materialised kernel (S given whole) and the fused one (S computed a block of rows at a
// time). A block [i0, i1) always spans every column, so row statistics are exact per block;
// column statistics are running (maximum, sum) pairs, rescaled when the maximum grows (the
// online softmax of FlashAttention), kept per thread and merged once.
//
// Threading: the callers run ONE OpenMP region for a whole call, in which each thread owns a
// contiguous range of rows and calls OpenBLAS single-threaded on its own blocks, with barriers
// between the phases. Alternating OpenBLAS's thread pool with OpenMP regions block by block
// made the threads of one spin while the other's waited for a core (5-10x slower on a loaded
// 2-core machine), and every extra region is one more wake-up of the team.
//
// Pass 1: add_block(thread, ...) for each thread's blocks in row order; merge_columns over a
// partition of the columns; finish() by one thread.
// Pass 2: grad_block for any block: dS over S, and sum dS * S.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>
#include "method_common.h"
#include "fast_exp.h"
#include "positive_index.h"

namespace wp {
namespace {

// Running statistics of the columns as one thread has seen them.
template <typename T>
struct ColumnAccumulator {
  std::vector<T> max;          // over all entries seen
  std::vector<double> sum;     // sum exp(S - max)
  std::vector<double> pmax, psum, pwsum, pplain, pext;  // positive entries: max, sum exp, sum exp*S, sum S, sum c_ext
  std::vector<double> pext_w;  // sum c_ext * S (external confidence)
  std::vector<int64_t> cursor; // next positive row of each column (rows ascend within a thread)

  explicit ColumnAccumulator(int64_t nc)
      : max(nc, -std::numeric_limits<T>::infinity()), sum(nc, 0.0),
        pmax(nc, -std::numeric_limits<double>::infinity()), psum(nc, 0.0), pwsum(nc, 0.0), pplain(nc, 0.0),
        pext(nc, 0.0), pext_w(nc, 0.0), cursor(nc, 0) {}
};

// exp(a - m) for merging running sums; an empty side (a = -inf) contributes nothing.
inline double rescale(double a, double m) { return a == -std::numeric_limits<double>::infinity() ? 0.0 : std::exp(a - m); }

template <typename T>
class UitcState {
 public:
  // Labels NULL: strict targets (alpha is then irrelevant: one positive per row).
  UitcState(int64_t n_rows, int64_t n_cols, const int64_t* row_labels, const int64_t* col_labels, double alpha,
            const T* conf_i2t, const T* conf_t2i, int threads)
      : nr_(n_rows), nc_(n_cols), alpha_(row_labels == nullptr ? 0.0 : alpha), ext_i2t_(conf_i2t),
        ext_t2i_(conf_t2i), P_(n_rows, n_cols, row_labels, col_labels),
        row_lse_(n_rows), row_pos_lse_(n_rows), row_w_(n_rows), row_sum_q_(n_rows), row_loss_(n_rows),
        col_lse_(n_cols), col_pos_lse_(n_cols), col_w_(n_cols) {
    acc_.reserve(threads);
    for (int t = 0; t < threads; ++t) acc_.emplace_back(n_cols);
  }

  // Pass 1 over rows [i0, i1) of S (S_blk [(i1 - i0), n_cols]) by thread `tid`, whose
  // blocks must come in increasing row order.
  void add_block(int tid, const T* S_blk, int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) row_stats(S_blk + (i - i0) * nc_, i);
    ColumnAccumulator<T>& a = acc_[tid];
    col_stats(S_blk, i1 - i0, a.max.data(), a.sum.data());
    col_positive_stats(S_blk, i0, i1, a);
  }

  // After pass 1, by any thread for its share [jb, je) of the columns: merges the threads'
  // column statistics into log-sum-exps and per-column loss terms.
  void merge_columns(int64_t jb, int64_t je) {
    for (int64_t j = jb; j < je; ++j) merge_column(j);
  }

  // After merge_columns covered every column, by one thread: the loss {L, L_i2t, L_t2i} and
  // the weights the gradient pass needs.
  void finish(double losses[3]) {
    double row_total = 0, col_total = 0;
    int64_t R = 0, C = 0;
    for (int64_t i = 0; i < nr_; ++i)
      if (P_.row_count[i] > 0) {
        row_total += row_loss_[i];
        ++R;
      }
    for (int64_t j = 0; j < nc_; ++j)
      if (P_.col_count[j] > 0) {
        col_total += col_loss_[j];
        ++C;
      }
    R_ = R;
    C_ = C;
    const double li2t = R > 0 ? row_total / double(R) : 0.0;
    const double lt2i = C > 0 ? col_total / double(C) : 0.0;
    losses[0] = 0.5 * (li2t + lt2i);
    losses[1] = li2t;
    losses[2] = lt2i;
    // Weights of the two softmax terms of dS: sum_q / (2R) per row, sum_q / (2C) per column.
    for (int64_t i = 0; i < nr_; ++i) row_w_[i] = P_.row_count[i] > 0 ? T(row_sum_q_[i] / (2.0 * double(R))) : T(0);
    for (int64_t j = 0; j < nc_; ++j) col_w_[j] = P_.col_count[j] > 0 ? T(col_sum_q_[j] / (2.0 * double(C))) : T(0);
  }

  // Pass 2 over rows [i0, i1) by one thread: dS written over S_blk; returns sum_ij dS_ij S_ij.
  double grad_block(T* S_blk, int64_t i0, int64_t i1) {
    double total = 0;
    for (int64_t i = i0; i < i1; ++i) total += row_grad(S_blk + (i - i0) * nc_, i);
    return total;
  }

 private:
  WP_HOT void row_stats(const T* s, int64_t i) {
    const T m = lane_max<T>(nc_, s);
    const double lse = double(m) + std::log(lane_sum<T>(nc_, [s, m](int64_t j) { return fast_exp(T(s[j] - m)); }));
    row_lse_[i] = T(lse);
    const int64_t k = P_.row_count[i];
    if (k == 0) {
      row_loss_[i] = 0;
      row_sum_q_[i] = 0;
      return;
    }
    const int64_t* pos = P_.cols_by_label.data() + P_.row_begin[i];
    double plain = 0;
    for (int64_t t = 0; t < k; ++t) plain += double(s[pos[t]]);
    double sum_q, sum_qs;
    if (ext_i2t_ != nullptr) {
      const T* c = ext_i2t_ + i * nc_;
      double csum = 0, cs = 0;
      for (int64_t t = 0; t < k; ++t) {
        csum += double(c[pos[t]]);
        cs += double(c[pos[t]]) * double(s[pos[t]]);
      }
      sum_q = (1 - alpha_) + alpha_ * csum;
      sum_qs = (1 - alpha_) * plain / double(k) + alpha_ * cs;
    } else {
      T pm = s[pos[0]];
      for (int64_t t = 1; t < k; ++t) pm = std::max(pm, s[pos[t]]);
      double ps = 0;
      for (int64_t t = 0; t < k; ++t) ps += double(fast_exp(T(s[pos[t]] - pm)));
      const T lse_pos = T(double(pm) + std::log(ps));
      row_pos_lse_[i] = lse_pos;
      double cs = 0;
      if (alpha_ != 0)
        for (int64_t t = 0; t < k; ++t) cs += double(fast_exp(T(s[pos[t]] - lse_pos))) * double(s[pos[t]]);
      sum_q = 1.0;
      sum_qs = (1 - alpha_) * plain / double(k) + alpha_ * cs;
    }
    row_sum_q_[i] = sum_q;
    row_loss_[i] = lse * sum_q - sum_qs;
  }

  // Running column maxima and sums of exp over a block of `rows` rows.
  WP_HOT void col_stats(const T* S_blk, int64_t rows, T* cmax, double* csum) {
    constexpr int64_t kStripe = 1024;  // columns per stripe: the stripe's accumulators stay in L1
    T mn[kStripe], acc[kStripe];
    for (int64_t jb = 0; jb < nc_; jb += kStripe) {
      const int64_t w = std::min(kStripe, nc_ - jb);
      for (int64_t t = 0; t < w; ++t) mn[t] = cmax[jb + t];
      for (int64_t r = 0; r < rows; ++r) {
        const T* s = S_blk + r * nc_ + jb;
        for (int64_t t = 0; t < w; ++t) mn[t] = s[t] > mn[t] ? s[t] : mn[t];
      }
      for (int64_t t = 0; t < w; ++t) acc[t] = T(0);
      for (int64_t r = 0; r < rows; ++r) {
        const T* s = S_blk + r * nc_ + jb;
        for (int64_t t = 0; t < w; ++t) acc[t] += fast_exp(T(s[t] - mn[t]));
      }
      for (int64_t t = 0; t < w; ++t) {
        csum[jb + t] = csum[jb + t] * rescale(double(cmax[jb + t]), double(mn[t])) + double(acc[t]);
        cmax[jb + t] = mn[t];
      }
    }
  }

  // The positive entries of the block, column by column: rows ascend within a thread, so
  // a cursor per column walks its positive rows once over the thread's blocks.
  void col_positive_stats(const T* S_blk, int64_t i0, int64_t i1, ColumnAccumulator<T>& a) {
    for (int64_t j = 0; j < nc_; ++j) {
      const int64_t k = P_.col_count[j];
      if (k == 0) continue;
      const int64_t* pos = P_.rows_by_label.data() + P_.col_begin[j];
      int64_t cur = a.cursor[j];
      while (cur < k && pos[cur] < i0) ++cur;
      for (; cur < k && pos[cur] < i1; ++cur) {
        const int64_t i = pos[cur];
        const double sv = double(S_blk[(i - i0) * nc_ + j]);
        a.pplain[j] += sv;
        if (ext_t2i_ != nullptr) {
          const double c = double(ext_t2i_[i * nc_ + j]);
          a.pext[j] += c;
          a.pext_w[j] += c * sv;
        } else if (sv > a.pmax[j]) {
          const double scale = rescale(a.pmax[j], sv);
          a.psum[j] = a.psum[j] * scale + 1.0;
          a.pwsum[j] = a.pwsum[j] * scale + sv;
          a.pmax[j] = sv;
        } else {
          const double e = std::exp(sv - a.pmax[j]);
          a.psum[j] += e;
          a.pwsum[j] += e * sv;
        }
      }
      a.cursor[j] = cur;
    }
  }

  // Column j over all threads: its log-sum-exps, and its term of the loss.
  void merge_column(int64_t j) {
    double m = -std::numeric_limits<double>::infinity(), pm = m;
    for (const auto& a : acc_) {
      m = std::max(m, double(a.max[j]));
      pm = std::max(pm, a.pmax[j]);
    }
    double s = 0, ps = 0, pw = 0, plain = 0, ext = 0, ext_w = 0;
    for (const auto& a : acc_) {
      s += a.sum[j] * rescale(double(a.max[j]), m);
      const double r = rescale(a.pmax[j], pm);
      ps += a.psum[j] * r;
      pw += a.pwsum[j] * r;
      plain += a.pplain[j];
      ext += a.pext[j];
      ext_w += a.pext_w[j];
    }
    const double lse = m + std::log(s);
    col_lse_[j] = T(lse);
    const int64_t k = P_.col_count[j];
    if (k == 0) {
      col_sum_q_[j] = 0;
      col_loss_[j] = 0;
      return;
    }
    double sum_q, sum_qs;
    if (ext_t2i_ != nullptr) {
      sum_q = (1 - alpha_) + alpha_ * ext;
      sum_qs = (1 - alpha_) * plain / double(k) + alpha_ * ext_w;
    } else {
      col_pos_lse_[j] = T(pm + std::log(ps));
      sum_q = 1.0;
      // sum_i c_ij S_ij = (sum exp(S - m) S) / (sum exp(S - m))
      sum_qs = (1 - alpha_) * plain / double(k) + alpha_ * pw / ps;
    }
    col_sum_q_[j] = sum_q;
    col_loss_[j] = lse * sum_q - sum_qs;
  }

  // q_i2t[i][j] / (2R) + q_t2i[i][j] / (2C) at a positive entry with logit sv.
  T target_weight(int64_t i, int64_t j, T sv) const {
    double ci = 0, ct = 0;
    if (alpha_ != 0) {
      ci = ext_i2t_ != nullptr ? double(ext_i2t_[i * nc_ + j]) : double(fast_exp(T(sv - row_pos_lse_[i])));
      ct = ext_t2i_ != nullptr ? double(ext_t2i_[i * nc_ + j]) : double(fast_exp(T(sv - col_pos_lse_[j])));
    }
    const double qi = (1 - alpha_) / double(P_.row_count[i]) + alpha_ * ci;
    const double qt = (1 - alpha_) / double(P_.col_count[j]) + alpha_ * ct;
    return T(qi / (2.0 * double(R_)) + qt / (2.0 * double(C_)));
  }

  // dS of row i over its logits s (in place): the two softmax terms, minus the targets at
  // the row's positives. Returns sum_j dS_ij S_ij.
  double row_grad(T* s, int64_t i) {
    const int64_t k = P_.row_count[i];
    const int64_t* pos = P_.cols_by_label.data() + P_.row_begin[i];
    fix_.resize(k);
    for (int64_t t = 0; t < k; ++t) fix_[t] = {target_weight(i, pos[t], s[pos[t]]), s[pos[t]]};
    double total = softmax_terms(nc_, s, col_lse_.data(), col_w_.data(), row_lse_[i], row_w_[i]);
    for (int64_t t = 0; t < k; ++t) {
      s[pos[t]] -= fix_[t].first;
      total -= double(fix_[t].first) * double(fix_[t].second);
    }
    return total;
  }

  // s_j <- exp(s_j - lse) wr + exp(s_j - clse_j) cw_j over a row; returns sum_j new_j old_j.
  // Written out with lanes and restrict pointers so it vectorises (one read, one write, two
  // exps per logit); the chunked lane sums go to double as in lane_sum.
  static WP_HOT double softmax_terms(int64_t n, T* __restrict s, const T* __restrict clse, const T* __restrict cw,
                                     T lse, T wr) {
    constexpr int L = kLanes<T>;
    constexpr int64_t kChunk = 1024;
    double total = 0;
    for (int64_t c0 = 0; c0 < n; c0 += kChunk) {
      const int64_t c1 = std::min(n, c0 + kChunk);
      T lanes[L] = {};
      int64_t j = c0;
      for (; j + L <= c1; j += L)
        for (int t = 0; t < L; ++t) {
          const T sv = s[j + t];
          const T ds = fast_exp(T(sv - lse)) * wr + fast_exp(T(sv - clse[j + t])) * cw[j + t];
          s[j + t] = ds;
          lanes[t] += ds * sv;
        }
      T acc = 0;
      for (; j < c1; ++j) {
        const T sv = s[j];
        const T ds = fast_exp(T(sv - lse)) * wr + fast_exp(T(sv - clse[j])) * cw[j];
        s[j] = ds;
        acc += ds * sv;
      }
      for (int t = 0; t < L; ++t) acc += lanes[t];
      total += double(acc);
    }
    return total;
  }

  int64_t nr_, nc_;
  double alpha_;
  const T* ext_i2t_;
  const T* ext_t2i_;
  PositiveIndex P_;
  std::vector<T> row_lse_, row_pos_lse_, row_w_;
  std::vector<double> row_sum_q_, row_loss_;
  std::vector<T> col_lse_, col_pos_lse_, col_w_;
  std::vector<double> col_sum_q_ = std::vector<double>(nc_), col_loss_ = std::vector<double>(nc_);
  std::vector<ColumnAccumulator<T>> acc_;
  int64_t R_ = 0, C_ = 0;
  static thread_local std::vector<std::pair<T, T>> fix_;  // (target weight, logit) at a row's positives
};

template <typename T>
thread_local std::vector<std::pair<T, T>> UitcState<T>::fix_;

}  // namespace
}  // namespace wp
