// A shape with per-operand element strides, passed to kernels by value, with adjacent
// dimensions merged where every operand is contiguous across them (as the CPU twin's
// StridedLayout does), so most walks have one or two dimensions.
#pragma once
#include "kernel_util.cuh"

namespace wpc {

template <int NOps>
struct Strided {
  int ndim;
  int64_t numel;
  int64_t shape[WP_MAX_DIMS];
  int64_t strides[NOps][WP_MAX_DIMS];

  static Strided make(int32_t nd, const int64_t* shp, const int64_t* const* strd, const char* op) {
    if (nd < 0 || nd > WP_MAX_DIMS)
      fail(std::string(op) + ": rank " + std::to_string(nd) + " is above the maximum " + std::to_string(WP_MAX_DIMS));
    Strided L{};
    L.ndim = 0;
    L.numel = 1;
    for (int d = 0; d < nd; ++d) {
      if (shp[d] < 0) fail(std::string(op) + ": negative dimension " + std::to_string(shp[d]));
      L.numel *= shp[d];
      if (shp[d] == 1) continue;
      if (L.ndim > 0) {
        bool mergeable = true;
        for (int o = 0; o < NOps; ++o)
          if (L.strides[o][L.ndim - 1] != strd[o][d] * shp[d]) { mergeable = false; break; }
        if (mergeable) {
          L.shape[L.ndim - 1] *= shp[d];
          for (int o = 0; o < NOps; ++o) L.strides[o][L.ndim - 1] = strd[o][d];
          continue;
        }
      }
      L.shape[L.ndim] = shp[d];
      for (int o = 0; o < NOps; ++o) L.strides[o][L.ndim] = strd[o][d];
      ++L.ndim;
    }
    if (L.ndim == 0) {
      L.ndim = 1;
      L.shape[0] = 1;
      for (int o = 0; o < NOps; ++o) L.strides[o][0] = 1;
    }
    return L;
  }

  // True when the walk is one run of unit strides for every operand.
  bool contiguous() const {
    if (ndim != 1) return false;
    for (int o = 0; o < NOps; ++o)
      if (strides[o][0] != 1) return false;
    return true;
  }

  // Element offsets of every operand for the row-major linear index i. I is the index type
  // of the division chain: 32-bit where the walk fits (much cheaper on the GPU).
  template <typename I>
  __device__ __forceinline__ void offsets(I i, int64_t* off) const {
    for (int o = 0; o < NOps; ++o) off[o] = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const I n = I(shape[d]);
      const I q = i / n;
      const I c = i - q * n;
      i = q;
      for (int o = 0; o < NOps; ++o) off[o] += int64_t(c) * strides[o][d];
    }
  }
};

}  // namespace wpc
