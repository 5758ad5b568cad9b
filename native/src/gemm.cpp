// GEMM and strided batched GEMM on OpenBLAS.
#include <cblas.h>
#include "kernel_util.h"
#include "wp/gemm.h"

using namespace wp;

namespace {
template <typename T>
void gemm_one(bool ta, bool tb, int64_t m, int64_t n, int64_t k, T alpha, const T* a, int64_t lda,
              const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
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

// Zero-sized products still have to honour beta on C.
template <typename T>
void scale_c(int64_t m, int64_t n, T beta, T* c, int64_t ldc) {
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == T(0) ? T(0) : beta * c[i * ldc + j];
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
    const T* pa = static_cast<const T*>(a);
    const T* pb = static_cast<const T*>(b);
    T* pc = static_cast<T*>(c);
    for (int64_t i = 0; i < batch; ++i) {
      if (k <= 0) {
        scale_c<T>(m, n, T(beta), pc + i * stride_c, ldc);
      } else {
        gemm_one<T>(trans_a != 0, trans_b != 0, m, n, k, T(alpha), pa + i * stride_a, lda, pb + i * stride_b, ldb,
                    T(beta), pc + i * stride_c, ldc);
      }
    }
  });
}
