/* Embedding lookup: rows of a [vocab, dim] table gathered by int32 ids, and its scatter-add. */
#pragma once
#include "wp/common.h"

/* out[i, :] = table[ids[i], :] for i in [0, n). Returns the first position whose id is outside
 * [0, vocab), or -1; ids are checked before anything is written, so on a bad id nothing is. */
WP_API int64_t wp_embedding_forward(int32_t dtype, int64_t vocab, int64_t dim, const void* table, int64_t n,
                                    const int32_t* ids, void* out);

/* gtable[ids[i], :] += gy[i, :] for i in [0, n), into a gtable the caller has zeroed (or holds a
 * gradient to add to). Repeated ids accumulate. Threads own disjoint column ranges of the
 * table and each walks all ids in order, so there are no races, whatever the id distribution,
 * and the sum order (hence the result) does not depend on the thread count. Throws on an id
 * outside [0, vocab) before anything is written. */
WP_API void wp_embedding_backward(int32_t dtype, int64_t vocab, int64_t dim, int64_t n, const int32_t* ids,
                                  const void* gy, void* gtable);
