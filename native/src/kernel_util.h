// Internal helpers shared by the CPU kernels: dtype dispatch, OpenMP loops, strided index walks.
#pragma once
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <omp.h>
#include "wp/common.h"
#include "wp/dtype_dispatch.h"

// Hot loops are compiled for three x86-64 levels and picked at load time (GCC ifunc), so the
// library runs on any x86-64 CPU yet uses AVX2/AVX-512 where present; no -march=native needed.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(WP_NO_CLONES)
#define WP_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define WP_HOT
#endif

namespace wp {

// Below this many elements of work a loop runs on one thread: fork/join costs more.
constexpr int64_t kParallelGrain = 1 << 15;

// Runs body(begin, end) over [0, n) split into contiguous chunks, one per thread.
template <typename Body>
inline void parallel_chunks(int64_t n, int64_t work_per_item, Body&& body) {
  if (n <= 0) return;
  const int threads = omp_get_max_threads();
  if (threads <= 1 || n * work_per_item < kParallelGrain || n == 1) {
    body(int64_t{0}, n);
    return;
  }
#pragma omp parallel
  {
    const int64_t nt = omp_get_num_threads();
    const int64_t t = omp_get_thread_num();
    const int64_t chunk = (n + nt - 1) / nt;
    const int64_t begin = t * chunk;
    const int64_t end = begin + chunk < n ? begin + chunk : n;
    if (begin < end) body(begin, end);
  }
}

// A shape with per-operand strides, with adjacent dimensions merged where every operand is
// contiguous across them, so most walks become a single long inner loop.
template <int NOps>
struct StridedLayout {
  int ndim = 0;
  int64_t shape[WP_MAX_DIMS];
  int64_t strides[NOps][WP_MAX_DIMS];

  StridedLayout(int32_t nd, const int64_t* shp, const int64_t* const* strd) {
    if (nd < 0 || nd > WP_MAX_DIMS) fail("rank " + std::to_string(nd) + " is above the maximum " + std::to_string(WP_MAX_DIMS));
    for (int d = 0; d < nd; ++d) {
      if (shp[d] == 1) continue;  // size-1 dims carry no stride information
      if (ndim > 0) {
        bool mergeable = true;
        for (int o = 0; o < NOps; ++o)
          if (strides[o][ndim - 1] != strd[o][d] * shp[d]) { mergeable = false; break; }
        if (mergeable) {
          shape[ndim - 1] *= shp[d];
          for (int o = 0; o < NOps; ++o) strides[o][ndim - 1] = strd[o][d];
          continue;
        }
      }
      shape[ndim] = shp[d];
      for (int o = 0; o < NOps; ++o) strides[o][ndim] = strd[o][d];
      ++ndim;
    }
    if (ndim == 0) {  // a scalar: one element
      ndim = 1;
      shape[0] = 1;
      for (int o = 0; o < NOps; ++o) strides[o][0] = 1;
    }
  }

  int64_t outer_count() const {
    int64_t n = 1;
    for (int d = 0; d < ndim - 1; ++d) n *= shape[d];
    return n;
  }
  int64_t inner() const { return shape[ndim - 1]; }

  // Element offsets of every operand at the start of outer row `row`.
  void offsets(int64_t row, int64_t* off) const {
    for (int o = 0; o < NOps; ++o) off[o] = 0;
    for (int d = ndim - 2; d >= 0; --d) {
      const int64_t i = row % shape[d];
      row /= shape[d];
      for (int o = 0; o < NOps; ++o) off[o] += i * strides[o][d];
    }
  }
};

}  // namespace wp
