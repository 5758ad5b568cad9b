/* Cross-entropy of row-major logits [rows, classes] against hard (class id) or soft targets.
 * Every row's log-sum-exp subtracts the row maximum first and sums in double. */
#pragma once
#include "wp/common.h"

/* loss[r] = lse[r] - logits[r, targets[r]], or 0 where targets[r] == ignore_index; lse[r] is the
 * row log-sum-exp (written for every row, ignored ones included). targets are int32 class ids.
 * Returns the first row whose target is neither ignore_index nor in [0, classes), or -1; the
 * targets are checked before anything is written, so on a bad target nothing is. */
WP_API int64_t wp_cross_entropy_forward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                        const int32_t* targets, int32_t ignore_index, void* loss, void* lse);

/* glogits[r, c] = gloss[r] * (exp(logits[r, c] - lse[r]) - [c == targets[r]]), zero rows where
 * targets[r] == ignore_index. The targets must have passed the forward's check. */
WP_API void wp_cross_entropy_backward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                      const int32_t* targets, int32_t ignore_index, const void* lse,
                                      const void* gloss, void* glogits);

/* loss[r] = -sum_c q[r, c] * log_softmax(logits)[r, c] (terms with q == 0 count as 0, so a -inf
 * logit with zero target mass is allowed); writes the row log-sum-exp. */
WP_API void wp_soft_cross_entropy_forward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                          const void* q, void* loss, void* lse);

/* glogits = gloss[r] * (softmax * sum_c q[r, c] - q), gq = -gloss[r] * log_softmax (gq may be NULL). */
WP_API void wp_soft_cross_entropy_backward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                           const void* q, const void* lse, const void* gloss, void* glogits,
                                           void* gq);
