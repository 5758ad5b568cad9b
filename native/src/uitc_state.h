// The uITC loss and its gradient over row blocks of the logits (wp/contrastive.h), shared by
// the materialised kernel (one block: all of S) and the fused, tiled kernel (S recomputed a
// block of rows at a time). A block [i0, i1) always spans every column, so row statistics
// are exact per block; column statistics are running (maximum, sum) pairs rescaled when the
// maximum grows, like the online softmax of FlashAttention.
//
// Pass 1: add_block for every block in row order, then finish(): row and column
// log-sum-exps over all entries and over the positive entries, and the loss.
// Pass 2 (gradient): grad_block for any block, in any order: dS over S, and sum dS * S.
#pragma once
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>
#include "method_common.h"
#include "method_exp.h"
#include "positive_index.h"

namespace wp {
namespace {

template <typename T>
class UitcState {
 public:
  // Labels NULL: strict targets (alpha is then irrelevant: one positive per row).
  UitcState(int64_t n_rows, int64_t n_cols, const int64_t* row_labels, const int64_t* col_labels, double alpha,
            const T* conf_i2t, const T* conf_t2i)
      : nr_(n_rows), nc_(n_cols), alpha_(row_labels == nullptr ? 0.0 : alpha), ext_i2t_(conf_i2t),
        ext_t2i_(conf_t2i), P_(n_rows, n_cols, row_labels, col_labels),
        row_lse_(n_rows), row_pos_lse_(n_rows), row_w_(n_rows), row_sum_q_(n_rows), row_loss_(n_rows),
        col_max_(n_cols, -std::numeric_limits<T>::infinity()), col_sum_(n_cols, 0.0),
        col_pos_max_(n_cols, -std::numeric_limits<double>::infinity()), col_pos_sum_(n_cols, 0.0),
        col_pos_wsum_(n_cols, 0.0), col_pos_plain_(n_cols, 0.0), col_pos_ext_(n_cols, 0.0),
        col_cursor_(n_cols, 0), col_lse_(n_cols), col_pos_lse_(n_cols), col_w_(n_cols), col_sum_q_(n_cols, 0.0) {}

  // Pass 1 over rows [i0, i1) of S, given as S_blk [(i1 - i0), n_cols]. Blocks in row order.
  void add_block(const T* S_blk, int64_t i0, int64_t i1) {
    const int64_t rows = i1 - i0;
    parallel_chunks(rows, nc_, [&](int64_t b, int64_t e) {
      for (int64_t r = b; r < e; ++r) row_stats(S_blk + r * nc_, i0 + r);
    });
    parallel_chunks(nc_, rows * 4, [&](int64_t jb, int64_t je) {
      col_stats(S_blk, rows, jb, je);
      col_positive_stats(S_blk, i0, i1, jb, je);
    });
  }

  // After the last add_block: column log-sum-exps and the loss {L, L_i2t, L_t2i}.
  void finish(double losses[3]) {
    double row_total = 0, col_total = 0;
    for (int64_t i = 0; i < nr_; ++i)
      if (P_.row_count[i] > 0) {
        row_total += row_loss_[i];
        ++R_;
      }
    for (int64_t j = 0; j < nc_; ++j) {
      col_lse_[j] = T(double(col_max_[j]) + std::log(col_sum_[j]));
      const int64_t k = P_.col_count[j];
      if (k == 0) continue;
      ++C_;
      double sum_q, sum_qs;
      if (ext_t2i_ != nullptr) {
        sum_q = (1 - alpha_) + alpha_ * col_pos_ext_[j];
        sum_qs = (1 - alpha_) * col_pos_plain_[j] / double(k) + alpha_ * col_pos_wsum_[j];
      } else {
        col_pos_lse_[j] = T(col_pos_max_[j] + std::log(col_pos_sum_[j]));
        sum_q = 1.0;
        // sum_i c_ij S_ij = (sum exp(S - m) S) / (sum exp(S - m))
        sum_qs = (1 - alpha_) * col_pos_plain_[j] / double(k) + alpha_ * col_pos_wsum_[j] / col_pos_sum_[j];
      }
      col_sum_q_[j] = sum_q;
      col_total += double(col_lse_[j]) * sum_q - sum_qs;
    }
    const double li2t = R_ > 0 ? row_total / double(R_) : 0.0;
    const double lt2i = C_ > 0 ? col_total / double(C_) : 0.0;
    losses[0] = 0.5 * (li2t + lt2i);
    losses[1] = li2t;
    losses[2] = lt2i;
    // Weights of the two softmax terms of dS: sum_q / (2R) per row, sum_q / (2C) per column.
    for (int64_t i = 0; i < nr_; ++i) row_w_[i] = P_.row_count[i] > 0 ? T(row_sum_q_[i] / (2.0 * double(R_))) : T(0);
    for (int64_t j = 0; j < nc_; ++j) col_w_[j] = P_.col_count[j] > 0 ? T(col_sum_q_[j] / (2.0 * double(C_))) : T(0);
  }

  // Pass 2 over rows [i0, i1): dS written over S_blk; returns sum_ij dS_ij S_ij of the block.
  double grad_block(T* S_blk, int64_t i0, int64_t i1) {
    const int64_t rows = i1 - i0;
    std::vector<double> partial(rows, 0.0);
    parallel_chunks(rows, nc_, [&](int64_t b, int64_t e) {
      std::vector<std::pair<T, T>> fix;  // (target weight, logit) at the row's positives
      for (int64_t r = b; r < e; ++r) partial[r] = row_grad(S_blk + r * nc_, i0 + r, fix);
    });
    double total = 0;
    for (double p : partial) total += p;
    return total;
  }

 private:
  WP_HOT void row_stats(const T* s, int64_t i) {
    const T m = lane_max<T>(nc_, s);
    const double lse = double(m) + std::log(lane_sum<T>(nc_, [s, m](int64_t j) { return exp_fast(T(s[j] - m)); }));
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
      for (int64_t t = 0; t < k; ++t) ps += double(exp_fast(T(s[pos[t]] - pm)));
      const T lse_pos = T(double(pm) + std::log(ps));
      row_pos_lse_[i] = lse_pos;
      double cs = 0;
      if (alpha_ != 0)
        for (int64_t t = 0; t < k; ++t) cs += double(exp_fast(T(s[pos[t]] - lse_pos))) * double(s[pos[t]]);
      sum_q = 1.0;
      sum_qs = (1 - alpha_) * plain / double(k) + alpha_ * cs;
    }
    row_sum_q_[i] = sum_q;
    row_loss_[i] = lse * sum_q - sum_qs;
  }

  // Running column maxima and sums of exp over columns [jb, je) of a block of `rows` rows.
  WP_HOT void col_stats(const T* S_blk, int64_t rows, int64_t jb, int64_t je) {
    const int64_t w = je - jb;
    std::vector<T> m_new(col_max_.begin() + jb, col_max_.begin() + je);
    T* mn = m_new.data();
    for (int64_t r = 0; r < rows; ++r) {
      const T* s = S_blk + r * nc_ + jb;
      for (int64_t t = 0; t < w; ++t) mn[t] = s[t] > mn[t] ? s[t] : mn[t];
    }
    std::vector<T> acc(w, T(0));
    T* a = acc.data();
    for (int64_t r = 0; r < rows; ++r) {
      const T* s = S_blk + r * nc_ + jb;
      for (int64_t t = 0; t < w; ++t) a[t] += exp_fast(T(s[t] - mn[t]));
    }
    for (int64_t t = 0; t < w; ++t) {
      const int64_t j = jb + t;
      col_sum_[j] = col_sum_[j] * std::exp(double(col_max_[j]) - double(mn[t])) + double(a[t]);
      col_max_[j] = mn[t];
    }
  }

  // The positive entries of columns [jb, je) in this block: rows ascend, so a cursor per
  // column walks its positive rows once over all blocks.
  void col_positive_stats(const T* S_blk, int64_t i0, int64_t i1, int64_t jb, int64_t je) {
    for (int64_t j = jb; j < je; ++j) {
      const int64_t k = P_.col_count[j];
      const int64_t* pos = P_.rows_by_label.data() + P_.col_begin[j];
      int64_t& cur = col_cursor_[j];
      while (cur < k && pos[cur] < i0) ++cur;
      for (; cur < k && pos[cur] < i1; ++cur) {
        const int64_t i = pos[cur];
        const double sv = double(S_blk[(i - i0) * nc_ + j]);
        col_pos_plain_[j] += sv;
        if (ext_t2i_ != nullptr) {
          const double c = double(ext_t2i_[i * nc_ + j]);
          col_pos_ext_[j] += c;
          col_pos_wsum_[j] += c * sv;
        } else if (sv > col_pos_max_[j]) {
          const double scale = std::exp(col_pos_max_[j] - sv);
          col_pos_sum_[j] = col_pos_sum_[j] * scale + 1.0;
          col_pos_wsum_[j] = col_pos_wsum_[j] * scale + sv;
          col_pos_max_[j] = sv;
        } else {
          const double e = std::exp(sv - col_pos_max_[j]);
          col_pos_sum_[j] += e;
          col_pos_wsum_[j] += e * sv;
        }
      }
    }
  }

  // q_i2t[i][j] / (2R) + q_t2i[i][j] / (2C) at a positive entry with logit sv.
  T target_weight(int64_t i, int64_t j, T sv) const {
    double ci = 0, ct = 0;
    if (alpha_ != 0) {
      ci = ext_i2t_ != nullptr ? double(ext_i2t_[i * nc_ + j]) : double(exp_fast(T(sv - row_pos_lse_[i])));
      ct = ext_t2i_ != nullptr ? double(ext_t2i_[i * nc_ + j]) : double(exp_fast(T(sv - col_pos_lse_[j])));
    }
    const double qi = (1 - alpha_) / double(P_.row_count[i]) + alpha_ * ci;
    const double qt = (1 - alpha_) / double(P_.col_count[j]) + alpha_ * ct;
    return T(qi / (2.0 * double(R_)) + qt / (2.0 * double(C_)));
  }

  WP_HOT double row_grad(T* s, int64_t i, std::vector<std::pair<T, T>>& fix) {
    const int64_t k = P_.row_count[i];
    const int64_t* pos = P_.cols_by_label.data() + P_.row_begin[i];
    fix.resize(k);
    for (int64_t t = 0; t < k; ++t) fix[t] = {target_weight(i, pos[t], s[pos[t]]), s[pos[t]]};
    const T lse = row_lse_[i], wr = row_w_[i];
    const T* clse = col_lse_.data();
    const T* cw = col_w_.data();
    double total = lane_sum<T>(nc_, [=](int64_t j) {
      const T sv = s[j];
      const T ds = exp_fast(T(sv - lse)) * wr + exp_fast(T(sv - clse[j])) * cw[j];
      s[j] = ds;
      return ds * sv;
    });
    for (int64_t t = 0; t < k; ++t) {
      s[pos[t]] -= fix[t].first;
      total -= double(fix[t].first) * double(fix[t].second);
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
  std::vector<T> col_max_;
  std::vector<double> col_sum_;
  std::vector<double> col_pos_max_, col_pos_sum_, col_pos_wsum_, col_pos_plain_, col_pos_ext_;
  std::vector<int64_t> col_cursor_;
  std::vector<T> col_lse_, col_pos_lse_, col_w_;
  std::vector<double> col_sum_q_;
  int64_t R_ = 0, C_ = 0;
};

}  // namespace
}  // namespace wp
