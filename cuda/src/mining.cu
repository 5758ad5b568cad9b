// Mining for GITM (docs/method.md section 4). Blocks take the anchors in a grid-stride loop;
// an anchor whose index is the first of its identity group gets its group's work (the other
// anchors are skipped): the block lists the group's members, keys every index outside the
// group (the group's maximum logit, plus Gumbel noise when sampling), ranks the keys
// (descending, ties to the lower index) by counting, and hands member r the outside index of
// rank r mod |pool|.
//
// A block's lists take O(n) bytes (21 n for hard negatives, 4 n for weak positives). They live
// in shared memory while they fit the device's per-block limit with opt-in
// (cudaDevAttrMaxSharedMemoryPerBlockOptin: 163 KiB on sm_80, about n <= 7,900; 227 KiB on
// sm_90, about n <= 11,000); above it, in a global-memory workspace of one slot per block,
// with fewer blocks (2 per multiprocessor), so that workspace stays O(multiprocessors * n).
#include <cmath>
#include "kernel_util.cuh"
#include "wp/twin/mining_rule.h"
#include "wpc/mining.h"

namespace wpc {
namespace {

constexpr int kMiningSample = 1;  // WP_MINING_SAMPLE
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
// Starts and ends with a barrier, so the block's previous anchor is done with the shared
// state and every thread has read the answer before the next call resets it.
__device__ bool first_of_group(const int64_t* labels, int64_t anchor) {
  __shared__ int earlier;
  __syncthreads();
  if (threadIdx.x == 0) earlier = 0;
  __syncthreads();
  for (int64_t m = threadIdx.x; m < anchor; m += blockDim.x)
    if (labels[m] == labels[anchor]) earlier = 1;
  __syncthreads();
  const bool first = earlier == 0;
  __syncthreads();
  return first;
}

// This block's lists: its slot of the global workspace, or dynamic shared memory (scratch NULL).
__device__ __forceinline__ unsigned char* block_lists(unsigned char* scratch, size_t slot_bytes) {
  return scratch ? scratch + size_t(blockIdx.x) * slot_bytes : dynamic_shared<unsigned char>();
}

template <typename T>
__device__ void hard_negatives_of_group(int64_t n, const T* __restrict__ S, const int64_t* __restrict__ labels,
                                        int mode, uint64_t seed, int32_t* __restrict__ neg_text,
                                        int32_t* __restrict__ neg_image, int64_t anchor, double* kt) {
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
__global__ void hard_negatives_kernel(int64_t n, const T* __restrict__ S, const int64_t* __restrict__ labels, int mode,
                                      uint64_t seed, int32_t* __restrict__ neg_text, int32_t* __restrict__ neg_image,
                                      unsigned char* scratch, size_t slot_bytes) {
  double* kt = reinterpret_cast<double*>(block_lists(scratch, slot_bytes));  // [n] keys of texts
  for (int64_t anchor = blockIdx.x; anchor < n; anchor += gridDim.x)
    if (first_of_group(labels, anchor)) hard_negatives_of_group(n, S, labels, mode, seed, neg_text, neg_image, anchor, kt);
}

template <typename T>
__device__ void weak_positives_of_group(int64_t n, const T* __restrict__ S, const int64_t* __restrict__ labels,
                                        int mode, uint64_t seed, int32_t* __restrict__ weak, int64_t anchor,
                                        int32_t* members) {
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

template <typename T>
__global__ void weak_positives_kernel(int64_t n, const T* __restrict__ S, const int64_t* __restrict__ labels, int mode,
                                      uint64_t seed, int32_t* __restrict__ weak, unsigned char* scratch,
                                      size_t slot_bytes) {
  int32_t* members = reinterpret_cast<int32_t*>(block_lists(scratch, slot_bytes));
  for (int64_t anchor = blockIdx.x; anchor < n; anchor += gridDim.x)
    if (first_of_group(labels, anchor)) weak_positives_of_group(n, S, labels, mode, seed, weak, anchor, members);
}

void check_args(const char* op, int64_t n, int32_t mode) {
  if (mode != 0 && mode != kMiningSample) fail(std::string(op) + ": unknown mode " + std::to_string(mode));
  if (n > int64_t(INT32_MAX)) fail(std::string(op) + ": n = " + std::to_string(n) + " is above the int32 picks' range");
}

// Bytes of one block's lists for n.
size_t hard_negative_list_bytes(int64_t n) { return size_t(n) * (2 * sizeof(double) + sizeof(int32_t) + 1); }
size_t weak_positive_list_bytes(int64_t n) { return size_t(n) * sizeof(int32_t); }

// Where a launch keeps its blocks' lists, and how many blocks it runs.
struct Placement {
  bool shared;        // dynamic shared memory (else one workspace slot per block)
  unsigned blocks;
  size_t slot_bytes;  // per block: the shared bytes, or the workspace slot (256-byte aligned)
  int64_t workspace_bytes() const { return shared ? 0 : int64_t(blocks) * int64_t(slot_bytes); }
};

// The lists go to shared memory while they fit beside the kernel's static shared variables
// (static + dynamic <= the opt-in limit; a launch over it fails on the GPU).
Placement place(int64_t n, size_t list_bytes, size_t static_bytes) {
  if (list_bytes + static_bytes <= size_t(max_shared_optin()))
    return {true, unsigned(wmin<int64_t>(n, int64_t(multiprocessors()) * 16)), list_bytes};
  return {false, unsigned(wmin<int64_t>(n, int64_t(multiprocessors()) * 2)), (list_bytes + 255) / 256 * 256};
}

// The kernels' static shared bytes for a dtype (F64 and anything else: the F32 kernel; a bad
// dtype is refused by the dispatch that follows).
size_t hard_negatives_static(int32_t dtype) {
  return dtype == WP_F64 ? static_shared_bytes(hard_negatives_kernel<double>, "mining_hard_negatives")
                         : static_shared_bytes(hard_negatives_kernel<float>, "mining_hard_negatives");
}
size_t weak_positives_static(int32_t dtype) {
  return dtype == WP_F64 ? static_shared_bytes(weak_positives_kernel<double>, "mining_weak_positives")
                         : static_shared_bytes(weak_positives_kernel<float>, "mining_weak_positives");
}

// The workspace a global-memory launch needs: present and large enough.
unsigned char* scratch_of(const Placement& p, void* workspace, int64_t workspace_bytes, const char* op) {
  if (p.shared) return nullptr;
  if (!workspace || workspace_bytes < p.workspace_bytes())
    fail(std::string(op) + ": n needs a workspace of " + std::to_string(p.workspace_bytes()) + " bytes (" +
         std::string(op) + "_workspace_bytes), got " + std::to_string(workspace ? workspace_bytes : 0));
  return static_cast<unsigned char*>(workspace);
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API int64_t wpc_mining_hard_negatives_workspace_bytes(int32_t dtype, int64_t n) {
  return n <= 0 ? 0 : place(n, hard_negative_list_bytes(n), hard_negatives_static(dtype)).workspace_bytes();
}

WP_API int64_t wpc_mining_weak_positives_workspace_bytes(int32_t dtype, int64_t n) {
  return n <= 0 ? 0 : place(n, weak_positive_list_bytes(n), weak_positives_static(dtype)).workspace_bytes();
}

WP_API void wpc_mining_hard_negatives(int32_t dtype, int64_t n, const void* logits, const int64_t* labels,
                                      int32_t mode, uint64_t seed, int32_t* hard_neg_text, int32_t* hard_neg_image,
                                      void* workspace, int64_t workspace_bytes, cudaStream_t stream) {
  if (n <= 0) return;
  const char* op = "mining_hard_negatives";
  check_args(op, n, mode);
  const Placement p = place(n, hard_negative_list_bytes(n), hard_negatives_static(dtype));
  unsigned char* scratch = scratch_of(p, workspace, workspace_bytes, op);
  dispatch_float(dtype, op, [&](auto zero) {
    using T = decltype(zero);
    if (p.shared) allow_shared(hard_negatives_kernel<T>, p.slot_bytes, op);
    launch(op, hard_negatives_kernel<T>, p.blocks, kThreads, p.shared ? p.slot_bytes : 0, stream, n,
           static_cast<const T*>(logits), labels, int(mode), seed, hard_neg_text, hard_neg_image, scratch,
           p.slot_bytes);
  });
}

WP_API void wpc_mining_weak_positives(int32_t dtype, int64_t n, const void* logits, const int64_t* labels,
                                      int32_t mode, uint64_t seed, int32_t* weak_pos_text, void* workspace,
                                      int64_t workspace_bytes, cudaStream_t stream) {
  if (n <= 0) return;
  const char* op = "mining_weak_positives";
  check_args(op, n, mode);
  const Placement p = place(n, weak_positive_list_bytes(n), weak_positives_static(dtype));
  unsigned char* scratch = scratch_of(p, workspace, workspace_bytes, op);
  dispatch_float(dtype, op, [&](auto zero) {
    using T = decltype(zero);
    if (p.shared) allow_shared(weak_positives_kernel<T>, p.slot_bytes, op);
    launch(op, weak_positives_kernel<T>, p.blocks, kThreads, p.shared ? p.slot_bytes : 0, stream, n,
           static_cast<const T*>(logits), labels, int(mode), seed, weak_pos_text, scratch, p.slot_bytes);
  });
}
