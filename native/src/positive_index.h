// Positive sets of docs/method.md (notation) as index lists, built from identity labels in O(N log N):
// P_i = { columns j : col_label[j] == row_label[i] } and P'_j = { rows i : ... }.
// Columns (rows) are sorted by (label, index), so every positive set is one contiguous,
// index-ascending range of that order; a row stores where its range starts and its length.
// Without labels (null pointers) the positives are the strict pairs: P_i = {i} when i < n_cols.
#pragma once
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace wp {

struct PositiveIndex {
  std::vector<int64_t> cols_by_label;  // column indices sorted by (label, index)
  std::vector<int64_t> rows_by_label;  // row indices sorted by (label, index)
  std::vector<int64_t> row_begin, row_count;  // P_i = cols_by_label[row_begin[i] .. + row_count[i])
  std::vector<int64_t> col_begin, col_count;  // P'_j = rows_by_label[col_begin[j] .. + col_count[j])

  PositiveIndex(int64_t n_rows, int64_t n_cols, const int64_t* row_labels, const int64_t* col_labels)
      : cols_by_label(n_cols), rows_by_label(n_rows), row_begin(n_rows), row_count(n_rows),
        col_begin(n_cols), col_count(n_cols) {
    std::iota(cols_by_label.begin(), cols_by_label.end(), int64_t{0});
    std::iota(rows_by_label.begin(), rows_by_label.end(), int64_t{0});
    if (row_labels == nullptr || col_labels == nullptr) {
      for (int64_t i = 0; i < n_rows; ++i) {
        row_begin[i] = i < n_cols ? i : 0;
        row_count[i] = i < n_cols ? 1 : 0;
      }
      for (int64_t j = 0; j < n_cols; ++j) {
        col_begin[j] = j < n_rows ? j : 0;
        col_count[j] = j < n_rows ? 1 : 0;
      }
      return;
    }
    auto by_label = [](const int64_t* labels) {
      return [labels](int64_t a, int64_t b) { return labels[a] < labels[b] || (labels[a] == labels[b] && a < b); };
    };
    std::sort(cols_by_label.begin(), cols_by_label.end(), by_label(col_labels));
    std::sort(rows_by_label.begin(), rows_by_label.end(), by_label(row_labels));
    ranges(row_labels, n_rows, col_labels, cols_by_label, row_begin, row_count);
    ranges(col_labels, n_cols, row_labels, rows_by_label, col_begin, col_count);
  }

  // Number of (row, column) positive pairs.
  int64_t pairs() const {
    int64_t n = 0;
    for (int64_t c : row_count) n += c;
    return n;
  }

 private:
  // For every anchor, the range of `sorted` (indices of `other`, ordered by label) with its label.
  static void ranges(const int64_t* anchor_labels, int64_t n_anchor, const int64_t* other_labels,
                     const std::vector<int64_t>& sorted, std::vector<int64_t>& begin, std::vector<int64_t>& count) {
    for (int64_t a = 0; a < n_anchor; ++a) {
      const int64_t y = anchor_labels[a];
      auto lo = std::lower_bound(sorted.begin(), sorted.end(), y,
                                 [other_labels](int64_t idx, int64_t v) { return other_labels[idx] < v; });
      auto hi = std::upper_bound(lo, sorted.end(), y,
                                 [other_labels](int64_t v, int64_t idx) { return v < other_labels[idx]; });
      begin[a] = lo - sorted.begin();
      count[a] = hi - lo;
    }
  }
};

}  // namespace wp
