/* Embedding lookup and its scatter-add on the GPU: the CUDA twin of wp/embedding.h. */
#pragma once
#include "wpc/common.h"

/* out[i, :] = table[ids[i], :]. *first_bad (a device int64) = the first position whose id is
 * outside [0, vocab), or -1; as on the CPU, nothing is written when an id is bad. */
WP_API void wpc_embedding_forward(int32_t dtype, int64_t vocab, int64_t dim, const void* table, int64_t n,
                                  const int32_t* ids, void* out, int64_t* first_bad, cudaStream_t stream);

/* gtable[ids[i], :] += gy[i, :] with atomic adds (repeated ids accumulate; the order of the
 * additions, hence the last bits, may vary from run to run). Ids must have passed the
 * forward's check; one outside [0, vocab) is skipped instead of faulting. */
WP_API void wpc_embedding_backward(int32_t dtype, int64_t vocab, int64_t dim, int64_t n, const int32_t* ids,
                                   const void* gy, void* gtable, cudaStream_t stream);
