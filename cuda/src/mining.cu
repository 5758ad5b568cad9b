// Mining for GITM (docs/method.md section 4). A block per anchor whose index is the first of its
// identity group (the other anchors' blocks leave at once): it lists the group's members,
// keys every index outside the group (the group's maximum logit, plus Gumbel noise when
// sampling), ranks the keys (descending, ties to the lower index) by counting, and hands
// member r the outside index of rank r mod |pool|.
#include <cmath>
#include "kernel_util.cuh"
#include "wp/twin/mining_rule.h"
#include "wpc/mining.h"

namespace wpc {
namespace {

constexpr int kMiningSample = 1;  // WP_MINING_SAMPLE
constexpr int64_t kMaxN = 8192;
constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

__device__ __forceinline__ uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// wp_mining_uniform: u in (0, 1) from (seed, stream, a, b).
__device__ __forceinline__ double mining_uniform(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b) {
  const uint64_t h = mix64(mix64(mix64(seed + kGolden * stream) + kGolden * a) + kGolden * b);
  return (double(h >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

// Fills members (ascending) of the group of `anchor`; returns their count. All threads call it.
__device__ int group_members(int64_t n, const int64_t* labels, int64_t anchor, int32_t* members, int* count) {
  if (threadIdx.x == 0) {
    int k = 0;
    const int64_t y = labels[anchor];
    for (int64_t m = 0; m < n; ++m)
      if (labels[m] == y) members[k++] = int32_t(m);
    *count = k;
  }
  __syncthreads();
  return *count;
}

// True when anchor is the smallest index with its label (the group's block does the work).
__device__ bool first_of_group(const int64_t* labels, int64_t anchor) {
  __shared__ int earlier;
  if (threadIdx.x == 0) earlier = 0;
  __syncthreads();
  for (int64_t m = threadIdx.x; m < anchor; m += blockDim.x)
    if (labels[m] == labels[anchor]) earlier = 1;
  __syncthreads();
  return earlier == 0;
}

template <typename T>
__global__ void hard_negatives_kernel(int64_t n, const T* __restrict__ S, const int64_t* __restrict__ labels, int mode,
                                      uint64_t seed, int32_t* __restrict__ neg_text, int32_t* __restrict__ neg_image) {
  const int64_t anchor = blockIdx.x;
  if (!first_of_group(labels, anchor)) return;  // uniform over the block
  double* kt = dynamic_shared<double>();        // [n] keys of texts
  double* ki = kt + n;                          // [n] keys of images
  int32_t* members = reinterpret_cast<int32_t*>(ki + n);
  char* inside = reinterpret_cast<char*>(members + n);
  __shared__ int count;
  const int k = group_members(n, labels, anchor, members, &count);
  for (int64_t j = threadIdx.x; j < n; j += blockDim.x) inside[j] = 0;
  __syncthreads();
  for (int r = threadIdx.x; r < k; r += blockDim.x) inside[members[r]] = 1;
  __syncthreads();
  const uint64_t first = uint64_t(members[0]);
  for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
    // text j: max over the group's images (rows); image j: max over the group's texts (columns)
    T mt = S[int64_t(members[0]) * n + j], mi = S[j * n + members[0]];
    for (int r = 1; r < k; ++r) {
      mt = wp::twin::nan_low_max(mt, S[int64_t(members[r]) * n + j]);  // NaN ordered lowest, as the CPU twin
      mi = wp::twin::nan_low_max(mi, S[j * n + members[r]]);
    }
    double xt = double(mt), xi = double(mi);
    if (mode == kMiningSample && !inside[j]) {
      xt += -log(-log(mining_uniform(seed, 1, first, uint64_t(j))));
      xi += -log(-log(mining_uniform(seed, 2, first, uint64_t(j))));
    }
    kt[j] = xt;
    ki[j] = xi;
  }
  __syncthreads();
  const int64_t pool = n - k;
  for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
    if (inside[j]) continue;
    int64_t rt = 0, ri = 0;  // ranks: outside indices ahead of j
    for (int64_t o = 0; o < n; ++o) {
      if (inside[o] || o == j) continue;
      rt += wp::twin::ranks_before(kt[o], o, kt[j], j);  // a strict weak order, NaN last: ranks are distinct
      ri += wp::twin::ranks_before(ki[o], o, ki[j], j);
    }
    // member r takes the pool entry of rank r mod |pool|: every r < k with that residue
    for (int64_t r = rt; r < k; r += pool) neg_text[members[r]] = int32_t(j);
    for (int64_t r = ri; r < k; r += pool) neg_image[members[r]] = int32_t(j);
  }
  if (pool == 0)
    for (int r = threadIdx.x; r < k; r += blockDim.x) {
      neg_text[members[r]] = -1;
      neg_image[members[r]] = -1;
    }
}

template <typename T>
__global__ void weak_positives_kernel(int64_t n, const T* __restrict__ S, const int64_t* __restrict__ labels, int mode,
                                      uint64_t seed, int32_t* __restrict__ weak) {
  const int64_t anchor = blockIdx.x;
  if (!first_of_group(labels, anchor)) return;
  int32_t* members = dynamic_shared<int32_t>();
  __shared__ int count;
  const int k = group_members(n, labels, anchor, members, &count);
  for (int r = threadIdx.x; r < k; r += blockDim.x) {
    const int64_t i = members[r];
    if (k < 2) {
      weak[i] = -1;
      continue;
    }
    if (mode == kMiningSample) {
      const int64_t pick = wmin<int64_t>(k - 2, int64_t(mining_uniform(seed, 3, uint64_t(i), 0) * double(k - 1)));
      weak[i] = members[pick < r ? pick : pick + 1];  // the pick-th member other than i
      continue;
    }
    weak[i] = members[wp::twin::weakest_member(S + i * n, members, k, r)];  // the CPU twin's rule
  }
}

void check_args(const char* op, int64_t n, int32_t mode) {
  if (mode != 0 && mode != kMiningSample) fail(std::string(op) + ": unknown mode " + std::to_string(mode));
  if (n > kMaxN) fail(std::string(op) + ": n = " + std::to_string(n) + " is above the CUDA kernel's " +
                      std::to_string(kMaxN));
}

template <typename K>
void allow_shared(K* kernel, size_t bytes, const char* op) {
  if (bytes > 48 * 1024)
    check(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(bytes)), op,
          "cudaFuncSetAttribute");
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_mining_hard_negatives(int32_t dtype, int64_t n, const void* logits, const int64_t* labels,
                                      int32_t mode, uint64_t seed, int32_t* hard_neg_text, int32_t* hard_neg_image,
                                      cudaStream_t stream) {
  if (n <= 0) return;
  check_args("mining_hard_negatives", n, mode);
  dispatch_float(dtype, "mining_hard_negatives", [&](auto zero) {
    using T = decltype(zero);
    const size_t bytes = size_t(n) * (2 * sizeof(double) + sizeof(int32_t) + 1);
    allow_shared(hard_negatives_kernel<T>, bytes, "mining_hard_negatives");
    launch("mining_hard_negatives", hard_negatives_kernel<T>, unsigned(n), kThreads, bytes, stream, n,
           static_cast<const T*>(logits), labels, int(mode), seed, hard_neg_text, hard_neg_image);
  });
}

WP_API void wpc_mining_weak_positives(int32_t dtype, int64_t n, const void* logits, const int64_t* labels,
                                      int32_t mode, uint64_t seed, int32_t* weak_pos_text, cudaStream_t stream) {
  if (n <= 0) return;
  check_args("mining_weak_positives", n, mode);
  dispatch_float(dtype, "mining_weak_positives", [&](auto zero) {
    using T = decltype(zero);
    launch("mining_weak_positives", weak_positives_kernel<T>, unsigned(n), kThreads, size_t(n) * sizeof(int32_t),
           stream, n, static_cast<const T*>(logits), labels, int(mode), seed, weak_pos_text);
  });
}
