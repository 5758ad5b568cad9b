/* Parameter-free uncertainty (relative confidence of positive pairs) on the GPU: the CUDA twin
 * of wp/uncertainty.h. Labels are device int64 arrays, or NULL for the strict pairs. */
#pragma once
#include "wpc/common.h"

WP_API void wpc_uncertainty_confidence(int32_t dtype, int64_t n_rows, int64_t n_cols, const void* logits,
                                       const int64_t* row_labels, const int64_t* col_labels, void* conf_i2t,
                                       void* conf_t2i, cudaStream_t stream);
