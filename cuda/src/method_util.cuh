// Positive pairs of the method kernels (docs/method.md, notation): with labels, (i, j) is positive when
// row_labels[i] == col_labels[j]; without (NULL), only the diagonal i == j is.
#pragma once
#include "kernel_util.cuh"

namespace wpc {

__device__ __forceinline__ bool is_positive(const int64_t* row_labels, const int64_t* col_labels, int64_t i,
                                            int64_t j) {
  return row_labels && col_labels ? row_labels[i] == col_labels[j] : i == j;
}

}  // namespace wpc
