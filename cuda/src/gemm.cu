// A tiled GEMM: each block computes a 64 x 64 tile of C, each thread a 4 x 4 sub-tile, the
// K dimension staged through shared memory 16 at a time. Plain FMA arithmetic (no tensor
// cores), so F32 results match the CPU to rounding; cuBLAS is the fast path.
#include "kernel_util.cuh"
#include "wpc/gemm.h"

namespace wpc {
namespace {

constexpr int kTile = 64;   // C tile edge
constexpr int kDepth = 16;  // K slice staged per step
constexpr int kMicro = 4;   // C elements per thread along each edge
constexpr int kGemmThreads = (kTile / kMicro) * (kTile / kMicro);  // 256

template <typename T>
__global__ void __launch_bounds__(kGemmThreads) gemm_kernel(bool ta, bool tb, int64_t m, int64_t n, int64_t k,
                                                            T alpha, const T* __restrict__ a, int64_t lda,
                                                            int64_t stride_a, const T* __restrict__ b, int64_t ldb,
                                                            int64_t stride_b, T beta, T* __restrict__ c, int64_t ldc,
                                                            int64_t stride_c) {
  __shared__ T as[kDepth][kTile + 1];  // as[kk][i] = op(A)(row0 + i, k0 + kk)
  __shared__ T bs[kDepth][kTile + 1];  // bs[kk][j] = op(B)(k0 + kk, col0 + j)
  const int64_t batch = blockIdx.z;
  a += batch * stride_a;
  b += batch * stride_b;
  c += batch * stride_c;
  const int64_t row0 = int64_t(blockIdx.y) * kTile, col0 = int64_t(blockIdx.x) * kTile;
  const int tx = threadIdx.x % (kTile / kMicro), ty = threadIdx.x / (kTile / kMicro);
  T acc[kMicro][kMicro];
#pragma unroll
  for (int i = 0; i < kMicro; ++i)
#pragma unroll
    for (int j = 0; j < kMicro; ++j) acc[i][j] = T(0);

  for (int64_t k0 = 0; k0 < k; k0 += kDepth) {
    // Stage the slices: kTile * kDepth = 1024 elements of each, 4 per thread.
    for (int e = threadIdx.x; e < kTile * kDepth; e += kGemmThreads) {
      // Along the contiguous axis of the stored matrix for coalesced loads.
      int i, kk;
      if (ta) { i = e % kTile; kk = e / kTile; }   // A stored K x M: rows of A^T run along M
      else { kk = e % kDepth; i = e / kDepth; }    // A stored M x K
      const int64_t r = row0 + i, q = k0 + kk;
      T v = T(0);
      if (r < m && q < k) v = ta ? a[q * lda + r] : a[r * lda + q];
      as[kk][i] = v;
      int j;
      if (tb) { kk = e % kDepth; j = e / kDepth; }  // B stored N x K
      else { j = e % kTile; kk = e / kTile; }       // B stored K x N
      const int64_t q2 = k0 + kk, col = col0 + j;
      T w = T(0);
      if (q2 < k && col < n) w = tb ? b[col * ldb + q2] : b[q2 * ldb + col];
      bs[kk][j] = w;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < kDepth; ++kk) {
      T av[kMicro], bv[kMicro];
#pragma unroll
      for (int i = 0; i < kMicro; ++i) av[i] = as[kk][ty + i * (kTile / kMicro)];
#pragma unroll
      for (int j = 0; j < kMicro; ++j) bv[j] = bs[kk][tx + j * (kTile / kMicro)];
#pragma unroll
      for (int i = 0; i < kMicro; ++i)
#pragma unroll
        for (int j = 0; j < kMicro; ++j) acc[i][j] += av[i] * bv[j];
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < kMicro; ++i) {
    const int64_t r = row0 + ty + i * (kTile / kMicro);
    if (r >= m) continue;
#pragma unroll
    for (int j = 0; j < kMicro; ++j) {
      const int64_t col = col0 + tx + j * (kTile / kMicro);
      if (col >= n) continue;
      T* out = c + r * ldc + col;
      *out = beta == T(0) ? alpha * acc[i][j] : alpha * acc[i][j] + beta * *out;
    }
  }
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_gemm_batched(int32_t dtype, int32_t trans_a, int32_t trans_b, int64_t batch, int64_t m, int64_t n,
                             int64_t k, double alpha, const void* a, int64_t lda, int64_t stride_a, const void* b,
                             int64_t ldb, int64_t stride_b, double beta, void* c, int64_t ldc, int64_t stride_c,
                             cudaStream_t stream) {
  if (m <= 0 || n <= 0 || batch <= 0) return;
  if (k < 0) k = 0;
  if (batch > 65535) fail("gemm: batch " + std::to_string(batch) + " is above 65535");
  const int64_t tiles_m = ceil_div(m, kTile), tiles_n = ceil_div(n, kTile);
  if (tiles_m > 65535) fail("gemm: m " + std::to_string(m) + " is too large for the built-in kernel");
  dispatch_float(dtype, "gemm", [&](auto zero) {
    using T = decltype(zero);
    launch("gemm", gemm_kernel<T>, dim3(unsigned(tiles_n), unsigned(tiles_m), unsigned(batch)), kGemmThreads, 0,
           stream, trans_a != 0, trans_b != 0, m, n, k, T(alpha), static_cast<const T*>(a), lda, stride_a,
           static_cast<const T*>(b), ldb, stride_b, T(beta), static_cast<T*>(c), ldc, stride_c);
  });
}
