// Embedding: a gather of table rows, and the scatter-add of the gradient with atomics.
#include "kernel_util.cuh"
#include "wpc/embedding.h"

namespace wpc {
namespace {

__global__ void check_ids_kernel(int64_t n, int64_t vocab, const int32_t* __restrict__ ids,
                                 unsigned long long* first_bad) {
  for (int64_t i = global_thread(); i < n; i += global_stride())
    if (ids[i] < 0 || ids[i] >= vocab) atomicMin(first_bad, (unsigned long long)i);
}

template <typename T>
__global__ void gather_kernel(int64_t n, int64_t dim, const T* __restrict__ table, const int32_t* __restrict__ ids,
                              T* __restrict__ out, const long long* __restrict__ first_bad) {
  if (*first_bad != -1) return;
  const int64_t total = n * dim;
  for (int64_t e = global_thread(); e < total; e += global_stride()) {
    const int64_t i = e / dim, d = e - i * dim;
    out[e] = table[int64_t(ids[i]) * dim + d];
  }
}

template <typename T>
__global__ void scatter_add_kernel(int64_t n, int64_t vocab, int64_t dim, const int32_t* __restrict__ ids,
                                   const T* __restrict__ gy, T* __restrict__ gtable) {
  const int64_t total = n * dim;
  for (int64_t e = global_thread(); e < total; e += global_stride()) {
    const int64_t i = e / dim, d = e - i * dim;
    const int32_t id = ids[i];
    if (id >= 0 && id < vocab) atomicAdd(gtable + int64_t(id) * dim + d, gy[e]);
  }
}

void check_sizes(const char* op, int64_t vocab, int64_t dim, int64_t n) {
  if (vocab < 0 || dim < 0 || n < 0)
    fail(std::string(op) + ": negative size (vocab=" + std::to_string(vocab) + ", dim=" + std::to_string(dim) +
         ", n=" + std::to_string(n) + ")");
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_embedding_forward(int32_t dtype, int64_t vocab, int64_t dim, const void* table, int64_t n,
                                  const int32_t* ids, void* out, int64_t* first_bad, cudaStream_t stream) {
  check_sizes("embedding_forward", vocab, dim, n);
  check(cudaMemsetAsync(first_bad, 0xff, sizeof(int64_t), stream), "embedding_forward", "cudaMemsetAsync");
  if (n == 0) return;
  dispatch_float(dtype, "embedding_forward", [&](auto zero) {
    using T = decltype(zero);
    launch("embedding_forward", check_ids_kernel, grid_stride_blocks(n), kThreads, 0, stream, n, vocab, ids,
           reinterpret_cast<unsigned long long*>(first_bad));
    if (dim == 0) return;
    launch("embedding_forward", gather_kernel<T>, grid_stride_blocks(n * dim), kThreads, 0, stream, n, dim,
           static_cast<const T*>(table), ids, static_cast<T*>(out), reinterpret_cast<const long long*>(first_bad));
  });
}

WP_API void wpc_embedding_backward(int32_t dtype, int64_t vocab, int64_t dim, int64_t n, const int32_t* ids,
                                   const void* gy, void* gtable, cudaStream_t stream) {
  check_sizes("embedding_backward", vocab, dim, n);
  if (n == 0 || dim == 0) return;
  dispatch_float(dtype, "embedding_backward", [&](auto zero) {
    using T = decltype(zero);
    launch("embedding_backward", scatter_add_kernel<T>, grid_stride_blocks(n * dim), kThreads, 0, stream, n, vocab, dim,
           ids, static_cast<const T*>(gy), static_cast<T*>(gtable));
  });
}
