// GEMM and strided batched GEMM on OpenBLAS, parallelised by our own OpenMP team.
//
// OpenBLAS runs single-threaded (runtime.cpp sets it to one thread at load) and every call is
// split across the OpenMP threads here: blocks of C rows or columns, or whole matrices of a
// batch. Two thread pools (OpenMP's and OpenBLAS's) spinning on the same two cores made a
// sequence of small ops up to 10x slower than either alone; one pool avoids that.
#include <cblas.h>
#include <algorithm>
#include "kernel_util.h"
#include "wp/gemm.h"

using namespace wp;

namespace {
template <typename T>
void gemm_one(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
              const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {  // zero-sized products still have to honour beta on C
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == T(0) ? T(0) : beta * c[i * ldc + j];
    return;
  }
  const auto opa = ta ? CblasTrans : CblasNoTrans;
  const auto opb = tb ? CblasTrans : CblasNoTrans;
  if constexpr (sizeof(T) == 4) {
    cblas_sgemm(CblasRowMajor, opa, opb, (blasint)m, (blasint)n, (blasint)k, alpha, a, (blasint)lda, b,
                (blasint)ldb, beta, c, (blasint)ldc);
  } else {
    cblas_dgemm(CblasRowMajor, opa, opb, (blasint)m, (blasint)n, (blasint)k, alpha, a, (blasint)lda, b,
                (blasint)ldb, beta, c, (blasint)ldc);
  }
}

// Below this many multiply-adds a product runs on one thread.
constexpr double kParallelFlops = 1 << 18;

template <typename T>
void gemm_batched(bool ta, bool tb, int64_t batch, int64_t m, int64_t n, int64_t k, T alpha, const T* a,
                  int64_t lda, int64_t sa, const T* b, int64_t ldb, int64_t sb, T beta, T* c, int64_t ldc,
                  int64_t sc) {
  const double flops = double(m) * double(n) * double(std::max<int64_t>(k, 1));
  const int threads = omp_get_max_threads();
  if (threads <= 1 || flops * double(batch) < kParallelFlops) {
    for (int64_t i = 0; i < batch; ++i)
      gemm_one<T>(ta, tb, m, n, k, alpha, a + i * sa, lda, b + i * sb, ldb, beta, c + i * sc, ldc);
    return;
  }
  // A batch whose C matrices overlap (stride 0 accumulation) must stay sequential.
  if (batch >= threads && (sc >= m * ldc || batch == 1)) {
#pragma omp parallel for schedule(dynamic, 1)
    for (int64_t i = 0; i < batch; ++i)
      gemm_one<T>(ta, tb, m, n, k, alpha, a + i * sa, lda, b + i * sb, ldb, beta, c + i * sc, ldc);
    return;
  }
  // Few large products: split each one's C into row blocks (or column blocks when M is small).
  for (int64_t i = 0; i < batch; ++i) {
    const T* ai = a + i * sa;
    const T* bi = b + i * sb;
    T* ci = c + i * sc;
    const bool by_rows = m >= n || m >= 64 * threads;
#pragma omp parallel
    {
      const int64_t nt = omp_get_num_threads(), t = omp_get_thread_num();
      const int64_t extent = by_rows ? m : n;
      // Blocks of a multiple of 16 rows/columns keep the OpenBLAS micro-kernels on full tiles.
      const int64_t chunk = ((extent + nt - 1) / nt + 15) / 16 * 16;
      const int64_t lo = std::min(extent, t * chunk), hi = std::min(extent, lo + chunk);
      if (lo < hi) {
        if (by_rows) {
          const T* ab = ta ? ai + lo : ai + lo * lda;
          gemm_one<T>(ta, tb, hi - lo, n, k, alpha, ab, lda, bi, ldb, beta, ci + lo * ldc, ldc);
        } else {
          const T* bb = tb ? bi + lo * ldb : bi + lo;
          gemm_one<T>(ta, tb, m, hi - lo, k, alpha, ai, lda, bb, ldb, beta, ci + lo, ldc);
        }
      }
    }
  }
}
}  // namespace

WP_API void wp_gemm(int32_t dtype, int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k,
                    double alpha, const void* a, int64_t lda, const void* b, int64_t ldb, double beta,
                    void* c, int64_t ldc) {
  wp_gemm_batched(dtype, trans_a, trans_b, 1, m, n, k, alpha, a, lda, 0, b, ldb, 0, beta, c, ldc, 0);
}

WP_API void wp_gemm_batched(int32_t dtype, int32_t trans_a, int32_t trans_b, int64_t batch, int64_t m,
                            int64_t n, int64_t k, double alpha, const void* a, int64_t lda,
                            int64_t stride_a, const void* b, int64_t ldb, int64_t stride_b, double beta,
                            void* c, int64_t ldc, int64_t stride_c) {
  if (m <= 0 || n <= 0 || batch <= 0) return;
  dispatch_float(dtype, "gemm", [&](auto zero) {
    using T = decltype(zero);
    gemm_batched<T>(trans_a != 0, trans_b != 0, batch, m, n, k, T(alpha), static_cast<const T*>(a), lda, stride_a,
                    static_cast<const T*>(b), ldb, stride_b, T(beta), static_cast<T*>(c), ldc, stride_c);
  });
}
