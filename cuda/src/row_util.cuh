// Row-wise kernels (layer norm, softmax, cross-entropy, L2 normalisation) give each row of a
// row-major [rows, cols] tensor a group of TPR threads: a warp (TPR = 32, several rows per
// block) for rows of up to 1024 elements, the whole block (TPR = kThreads, one row per block)
// for longer ones. Threads stride over the row's columns; group_sum / group_max combine them.
#pragma once
#include "kernel_util.cuh"

namespace wpc {

constexpr int kWarpRowMaxCols = 1024;

template <int TPR>
struct RowGroup {
  static_assert(TPR == 32 || TPR == kThreads, "a row belongs to a warp or to the block");
  static constexpr int kRowsPerBlock = kThreads / TPR;
  __device__ static int lane() { return threadIdx.x % TPR; }
  __device__ static int64_t row() { return int64_t(blockIdx.x) * kRowsPerBlock + threadIdx.x / TPR; }
  static unsigned blocks(int64_t rows) { return unsigned(ceil_div(rows, kRowsPerBlock)); }
};

// Sum over the row's group. For TPR == kThreads it contains barriers, so every thread of the
// block must call it; for TPR == 32 only the warp must.
template <int TPR, typename T>
__device__ __forceinline__ T group_sum(T v, T* scratch) {
  if constexpr (TPR == 32) return warp_sum(v);
  else return block_sum(v, scratch);
}

template <int TPR, typename T>
__device__ __forceinline__ T group_max(T v, T* scratch) {
  if constexpr (TPR == 32) return warp_max(v);
  else return block_max(v, scratch);
}

// Launches kernel<TPR> for rows of cols elements: warp rows for short rows, block rows else.
// make(std::integral_constant<int, TPR>) returns the kernel instantiation to launch.
template <typename Make, typename... A>
inline void launch_rows(const char* op, int64_t rows, int64_t cols, cudaStream_t stream, Make&& make, A&&... args) {
  if (rows <= 0) return;
  if (cols <= kWarpRowMaxCols) {
    launch(op, make(std::integral_constant<int, 32>{}), RowGroup<32>::blocks(rows), kThreads, 0, stream,
           std::forward<A>(args)...);
  } else {
    launch(op, make(std::integral_constant<int, kThreads>{}), RowGroup<kThreads>::blocks(rows), kThreads, 0, stream,
           std::forward<A>(args)...);
  }
}

}  // namespace wpc
