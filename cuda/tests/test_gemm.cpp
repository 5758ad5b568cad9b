// gemm: the built-in tiled kernel (cuBLAS's fallback) against OpenBLAS.
#include "test_util.h"
#include "wp/gemm.h"
#include "wpc/gemm.h"

using namespace wpt;

namespace {

template <typename T>
void check_gemm(bool ta, bool tb, int64_t batch, int64_t m, int64_t n, int64_t k, double beta, bool share_b) {
  // Stored shapes: A is (ta ? k x m : m x k), B is (tb ? n x k : k x n); padded leading dims.
  const int64_t lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
  const int64_t rows_a = ta ? k : m, rows_b = tb ? n : k;
  const int64_t sa = rows_a * lda, sb = share_b ? 0 : rows_b * ldb, sc = m * ldc;
  auto a = normal<T>(batch * sa);
  auto b = normal<T>(share_b ? rows_b * ldb : batch * sb);
  auto c0 = normal<T>(batch * sc);
  if (beta == 0)  // BLAS ignores C when beta is 0: NaN there must not leak through
    for (auto& x : c0) x = std::numeric_limits<T>::quiet_NaN();
  Device<T> da(a), db(b), dc(c0);
  wpc_gemm_batched(dtype_of<T>(), ta, tb, batch, m, n, k, 1.5, da.ptr, lda, sa, db.ptr, ldb, sb, beta, dc.ptr, ldc, sc,
                   stream());
  auto cpu = c0;
  wp_gemm_batched(dtype_of<T>(), ta, tb, batch, m, n, k, 1.5, a.data(), lda, sa, b.data(), ldb, sb, beta, cpu.data(),
                  ldc, sc);
  // Compare only the M x N parts (padding columns hold c0 on both sides).
  auto gpu = dc.download();
  std::vector<T> g, r;
  for (int64_t p = 0; p < batch; ++p)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        g.push_back(gpu[size_t(p * sc + i * ldc + j)]);
        r.push_back(cpu[size_t(p * sc + i * ldc + j)]);
      }
  char what[160];
  std::snprintf(what, sizeof what, "gemm %c%c batch=%lld %lldx%lldx%lld beta=%g%s %s", ta ? 'T' : 'N', tb ? 'T' : 'N',
                (long long)batch, (long long)m, (long long)n, (long long)k, beta, share_b ? " shared-B" : "",
                type_name<T>());
  expect_close(what, g, r, tolerance<T>() * (sizeof(T) == 4 ? 1 : 1e2));
}

template <typename T>
void gemm_all() {
  for (bool ta : {false, true})
    for (bool tb : {false, true}) {
      check_gemm<T>(ta, tb, 1, 67, 45, 33, 0.0, false);
      check_gemm<T>(ta, tb, 3, 17, 130, 70, 0.5, false);
    }
  check_gemm<T>(false, true, 4, 33, 29, 64, 1.0, true);
  check_gemm<T>(false, false, 1, 5, 7, 0, 0.5, false);  // k = 0: C = beta * C
  check_gemm<T>(false, false, 1, 1, 1, 1, 0.0, false);
  check_gemm<T>(false, false, 1, big(1031, 70), big(1029, 66), big(517, 40), 0.0, false);
}

}  // namespace

WPT_CASE("gemm/builtin") {
  gemm_all<float>();
  gemm_all<double>();
}
