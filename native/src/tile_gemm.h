// Register-blocked products of small tiles (tens of rows and columns), the inner loops of the
// fused attention kernels. Too small for a BLAS call to pay off and called from inside
// OpenMP regions, they are written directly: a block of MR rows by NV vectors of C stays in
// registers while the reduction dimension streams through, so each loaded vector of B feeds
// MR fused multiply-adds.
#pragma once
#include "simd.h"

namespace wp {

// C[r][c] (+)= sum_t A(r, t) * B[t * ldb + c] for MR rows and NV vectors of columns, where
// A(r, t) = a[r * ar + t * ak] (so A may be read transposed), C row-major with stride ldc.
template <typename T, int VB, int MR, int NV, bool Accumulate>
WP_INLINE void gemm_block(int64_t k, const T* __restrict a, int64_t ar, int64_t ak, const T* __restrict b,
                          int64_t ldb, T* __restrict c, int64_t ldc) {
  using V = simd::Vec<T, VB>;
  constexpr int L = simd::kLanes<T, VB>;
  V acc[MR][NV];
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) acc[r][v] = Accumulate ? simd::load<T, VB>(c + r * ldc + v * L) : V{};
  for (int64_t t = 0; t < k; ++t) {
    const T* bt = b + t * ldb;
    V bv[NV];
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) bv[v] = simd::load<T, VB>(bt + v * L);
    const T* at = a + t * ak;
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      const T x = at[r * ar];
#pragma GCC unroll 8
      for (int v = 0; v < NV; ++v) acc[r][v] += x * bv[v];
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r)
#pragma GCC unroll 8
    for (int v = 0; v < NV; ++v) simd::store<T, VB>(c + r * ldc + v * L, acc[r][v]);
}

// All rows of one column block: MR rows at a time, then the leftover rows one by one.
template <typename T, int VB, int MR, int NV, bool Accumulate>
WP_INLINE void gemm_columns(int64_t m, int64_t k, const T* a, int64_t ar, int64_t ak, const T* b, int64_t ldb, T* c,
                            int64_t ldc) {
  int64_t r = 0;
  for (; r + MR <= m; r += MR) gemm_block<T, VB, MR, NV, Accumulate>(k, a + r * ar, ar, ak, b, ldb, c + r * ldc, ldc);
  for (; r < m; ++r) gemm_block<T, VB, 1, NV, Accumulate>(k, a + r * ar, ar, ak, b, ldb, c + r * ldc, ldc);
}

// C (+)= A B for C [m, n] (row stride ldc), B [k, n] (row stride ldb) and A [m, k] read as
// A(r, t) = a[r * ar + t * ak]. Without Accumulate, C is overwritten (zeros when k = 0).
// Columns go in blocks of NV vectors, then single vectors, then a scalar tail for widths
// that are not a multiple of the vector length.
template <typename T, int VB, bool Accumulate>
WP_INLINE void tile_gemm(int64_t m, int64_t n, int64_t k, const T* a, int64_t ar, int64_t ak, const T* b, int64_t ldb,
                         T* c, int64_t ldc) {
  constexpr int L = simd::kLanes<T, VB>;
  // 4 rows x NV vectors of accumulators, plus NV vectors of B: 20 of AVX-512's 32 registers,
  // 10 of AVX2's 16, 10 of SSE2's 16.
  constexpr int MR = 4;
  constexpr int NV = VB == 64 ? 4 : 2;
  int64_t col = 0;
  for (; col + NV * L <= n; col += NV * L)
    gemm_columns<T, VB, MR, NV, Accumulate>(m, k, a, ar, ak, b + col, ldb, c + col, ldc);
  for (; col + L <= n; col += L) gemm_columns<T, VB, MR, 1, Accumulate>(m, k, a, ar, ak, b + col, ldb, c + col, ldc);
  if (col < n) {
    for (int64_t r = 0; r < m; ++r) {
      const T* ar_ = a + r * ar;
      T* cr = c + r * ldc;
      for (int64_t x = col; x < n; ++x) {
        T s = Accumulate ? cr[x] : T(0);
        for (int64_t t = 0; t < k; ++t) s += ar_[t * ak] * b[t * ldb + x];
        cr[x] = s;
      }
    }
  }
}

}  // namespace wp
