// The method kernels through their C API only (what a CUDA twin is checked against): the
// fused uITC kernel, materialised and tiled, against the composed similarity -> logits ->
// similarity-backward kernels, in float and double, square and rectangular, with poisoned
// outputs so an unwritten element shows; and the confidence against a direct loop.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>
#include "wp/contrastive.h"
#include "wp/similarity.h"
#include "wp/uncertainty.h"

namespace {

int failures = 0;

template <typename T>
double rel_error(const std::vector<T>& got, const std::vector<T>& want) {
  double d2 = 0, n2 = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double d = double(got[i]) - double(want[i]);
    d2 += d * d;
    n2 += double(want[i]) * double(want[i]);
  }
  return std::sqrt(d2) / std::max(std::sqrt(n2), 1e-30);
}

void expect(bool ok, const char* what, double err, int nr, int nc, const char* type) {
  std::printf("%-5s %4dx%-4d %-34s rel error %.3e %s\n", type, nr, nc, what, err, ok ? "" : "FAIL");
  if (!ok) ++failures;
}

template <typename T>
void check_case(int nr, int nc, int d, double alpha, bool labels, double tol) {
  const int32_t dt = sizeof(T) == 4 ? WP_F32 : WP_F64;
  const char* type = sizeof(T) == 4 ? "f32" : "f64";
  std::mt19937_64 rng(uint64_t(nr) * 1000003u + uint64_t(nc));
  std::normal_distribution<double> normal;
  std::vector<int64_t> rl(nr), cl(nc);
  for (int j = 0; j < nc; ++j) cl[j] = int64_t(rng() % uint64_t(std::max(1, nc / 3)));
  for (int i = 0; i < nr; ++i) rl[i] = i < nc ? cl[i] : 100000 + i;  // extra rows: no positive column
  std::vector<T> F(size_t(nr) * d), G(size_t(nc) * d);
  for (auto& v : F) v = T(normal(rng));
  for (auto& v : G) v = T(normal(rng));
  const double tau = 0.07;
  const int64_t* rlp = labels ? rl.data() : nullptr;
  const int64_t* clp = labels ? cl.data() : nullptr;
  const T poison = std::numeric_limits<T>::quiet_NaN();

  // Composed: S, then the loss on S, then back through the similarity.
  std::vector<T> f(F.size()), g(G.size()), nf(nr), ng(nc), S(size_t(nr) * nc), dS(S.size(), poison);
  std::vector<T> loss_ref(3, poison), dF_ref(F.size(), poison), dG_ref(G.size(), poison), dt_ref(1, poison);
  wp_similarity_forward(dt, nr, nc, d, F.data(), G.data(), tau, f.data(), g.data(), nf.data(), ng.data(), S.data());
  wp_contrastive_logits(dt, nr, nc, S.data(), rlp, clp, alpha, nullptr, nullptr, loss_ref.data(), dS.data());
  wp_similarity_backward(dt, nr, nc, d, f.data(), g.data(), nf.data(), ng.data(), tau, S.data(), dS.data(),
                         dF_ref.data(), dG_ref.data(), dt_ref.data());

  for (int keep = 0; keep <= 1; ++keep) {
    for (int64_t block : {int64_t(0), int64_t(7)}) {
      if (keep && block) continue;
      std::vector<T> loss(3, poison), dF(F.size(), poison), dG(G.size(), poison), dtau(1, poison);
      wp_contrastive_fused(dt, nr, nc, d, F.data(), G.data(), tau, rlp, clp, alpha, nullptr, nullptr, keep, block,
                           loss.data(), dF.data(), dG.data(), dtau.data());
      const char* name = keep ? "fused materialised" : block ? "fused tiled (7-row blocks)" : "fused tiled (auto blocks)";
      char what[96];
      std::snprintf(what, sizeof what, "%s loss", name);
      double e = rel_error(loss, loss_ref);
      expect(e <= tol, what, e, nr, nc, type);
      std::snprintf(what, sizeof what, "%s dF, dG, dtau", name);
      e = std::max({rel_error(dF, dF_ref), rel_error(dG, dG_ref), rel_error(dtau, dt_ref)});
      expect(e <= 10 * tol, what, e, nr, nc, type);
    }
  }

  // Confidence against a direct loop over the positive sets.
  std::vector<T> ci(S.size(), poison), ct(S.size(), poison), ci_ref(S.size(), T(0)), ct_ref(S.size(), T(0));
  wp_uncertainty_confidence(dt, nr, nc, S.data(), rlp, clp, ci.data(), ct.data());
  auto positive = [&](int i, int j) { return labels ? rl[i] == cl[j] : i == j; };
  for (int i = 0; i < nr; ++i) {
    double m = -1e300, z = 0;
    for (int j = 0; j < nc; ++j) if (positive(i, j)) m = std::max(m, double(S[size_t(i) * nc + j]));
    for (int j = 0; j < nc; ++j) if (positive(i, j)) z += std::exp(double(S[size_t(i) * nc + j]) - m);
    for (int j = 0; j < nc; ++j)
      if (positive(i, j)) ci_ref[size_t(i) * nc + j] = T(std::exp(double(S[size_t(i) * nc + j]) - m) / z);
  }
  for (int j = 0; j < nc; ++j) {
    double m = -1e300, z = 0;
    for (int i = 0; i < nr; ++i) if (positive(i, j)) m = std::max(m, double(S[size_t(i) * nc + j]));
    for (int i = 0; i < nr; ++i) if (positive(i, j)) z += std::exp(double(S[size_t(i) * nc + j]) - m);
    for (int i = 0; i < nr; ++i)
      if (positive(i, j)) ct_ref[size_t(i) * nc + j] = T(std::exp(double(S[size_t(i) * nc + j]) - m) / z);
  }
  const double e = std::max(rel_error(ci, ci_ref), rel_error(ct, ct_ref));
  expect(e <= tol, "confidence c_i2t, c_t2i", e, nr, nc, type);
}

}  // namespace

int main() {
  check_case<double>(53, 53, 9, 0.6, true, 1e-12);
  check_case<double>(40, 71, 9, 1.0, true, 1e-12);
  check_case<double>(45, 30, 9, 0.0, false, 1e-12);
  check_case<float>(300, 300, 32, 0.6, true, 1e-5);
  check_case<float>(257, 611, 32, 0.3, true, 1e-5);
  check_case<float>(611, 257, 16, 0.0, false, 1e-5);
  std::printf(failures == 0 ? "method kernels: all checks passed\n" : "method kernels: %d FAILED\n", failures);
  return failures == 0 ? 0 : 1;
}
