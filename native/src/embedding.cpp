// Embedding gather (forward) and race-free scatter-add (backward).
#include <cstring>
#include "kernel_util.h"
#include "wp/embedding.h"

using namespace wp;

namespace {

int64_t first_bad_id(int64_t n, const int32_t* ids, int64_t vocab) {
  for (int64_t i = 0; i < n; ++i)
    if (ids[i] < 0 || ids[i] >= vocab) return i;
  return -1;
}

// Adds gy[i, c0:c1] into gtable[ids[i], c0:c1] for every i, in order of i.
template <typename T>
WP_HOT void scatter_columns(int64_t c0, int64_t c1, int64_t dim, int64_t n, const int32_t* ids, const T* gy,
                            T* gtable) {
  for (int64_t i = 0; i < n; ++i) {
    const T* src = gy + i * dim;
    T* dst = gtable + int64_t(ids[i]) * dim;
#pragma omp simd
    for (int64_t c = c0; c < c1; ++c) dst[c] += src[c];
  }
}

void check_sizes(const char* op, int64_t vocab, int64_t dim, int64_t n) {
  if (vocab < 0 || dim < 0 || n < 0)
    fail(std::string(op) + ": negative size (vocab=" + std::to_string(vocab) + ", dim=" + std::to_string(dim) +
         ", n=" + std::to_string(n) + ")");
}

}  // namespace

WP_API int64_t wp_embedding_forward(int32_t dtype, int64_t vocab, int64_t dim, const void* table, int64_t n,
                                    const int32_t* ids, void* out) {
  check_sizes("embedding_forward", vocab, dim, n);
  const int64_t bad = first_bad_id(n, ids, vocab);
  if (bad >= 0) return bad;
  dispatch_float(dtype, "embedding_forward", [&](auto zero) {
    using T = decltype(zero);
    const T* t = static_cast<const T*>(table);
    T* o = static_cast<T*>(out);
    parallel_chunks(n, dim, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) std::memcpy(o + i * dim, t + int64_t(ids[i]) * dim, sizeof(T) * size_t(dim));
    });
  });
  return -1;
}

WP_API void wp_embedding_backward(int32_t dtype, int64_t vocab, int64_t dim, int64_t n, const int32_t* ids,
                                  const void* gy, void* gtable) {
  check_sizes("embedding_backward", vocab, dim, n);
  const int64_t bad = first_bad_id(n, ids, vocab);
  if (bad >= 0)
    fail("embedding_backward: id " + std::to_string(ids[bad]) + " at position " + std::to_string(bad) +
         " is outside [0, " + std::to_string(vocab) + ")");
  dispatch_float(dtype, "embedding_backward", [&](auto zero) {
    using T = decltype(zero);
    // Column blocks of 16 elements (a 64-byte line of floats) are the unit handed to threads,
    // so two threads rarely write into the same cache line.
    constexpr int64_t kBlock = 16;
    const int64_t blocks = (dim + kBlock - 1) / kBlock;
    parallel_chunks(blocks, n * kBlock, [&](int64_t b, int64_t e) {
      const int64_t c1 = e * kBlock < dim ? e * kBlock : dim;
      scatter_columns<T>(b * kBlock, c1, dim, n, ids, static_cast<const T*>(gy), static_cast<T*>(gtable));
    });
  });
}
