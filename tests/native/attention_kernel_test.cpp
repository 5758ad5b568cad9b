// Checks the fused attention kernels (forward and backward, float and double) against a
// direct double-precision evaluation of softmax(scale q k^T + mask) v and its gradients:
// odd sizes, Lq != Lk, key masks with fully masked rows, one and several threads (several
// threads on few heads split a head's query tiles into groups), on every SIMD code path.
#include <omp.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>
#include "wp/attention.h"

namespace {

struct Case {
  int64_t b, h, lq, lk, dh;
  bool masked;
  int threads;
};

struct Reference {
  std::vector<double> out, lse, gq, gk, gv;
};

Reference reference(const Case& c, const std::vector<double>& q, const std::vector<double>& k,
                    const std::vector<double>& v, const std::vector<int32_t>& mask, double scale,
                    const std::vector<double>& gout) {
  Reference r;
  const int64_t dh = c.dh;
  r.out.assign(c.b * c.h * c.lq * dh, 0);
  r.lse.assign(c.b * c.h * c.lq, -INFINITY);
  r.gq.assign(q.size(), 0);
  r.gk.assign(k.size(), 0);
  r.gv.assign(v.size(), 0);
  std::vector<double> p(c.lk), dp(c.lk);
  for (int64_t bh = 0; bh < c.b * c.h; ++bh) {
    const int64_t b = bh / c.h;
    for (int64_t i = 0; i < c.lq; ++i) {
      const double* qi = &q[(bh * c.lq + i) * dh];
      double mx = -INFINITY;
      for (int64_t j = 0; j < c.lk; ++j) {
        if (c.masked && mask[b * c.lk + j] == 0) { p[j] = -INFINITY; continue; }
        double s = 0;
        for (int64_t x = 0; x < dh; ++x) s += qi[x] * k[(bh * c.lk + j) * dh + x];
        p[j] = scale * s;
        mx = std::max(mx, p[j]);
      }
      if (mx == -INFINITY) continue;  // no key: out 0, gradients 0
      double sum = 0;
      for (int64_t j = 0; j < c.lk; ++j) sum += p[j] == -INFINITY ? 0 : std::exp(p[j] - mx);
      r.lse[bh * c.lq + i] = mx + std::log(sum);
      for (int64_t j = 0; j < c.lk; ++j) p[j] = p[j] == -INFINITY ? 0 : std::exp(p[j] - mx) / sum;
      const double* go = &gout[(bh * c.lq + i) * dh];
      double dot = 0;
      for (int64_t j = 0; j < c.lk; ++j) {
        dp[j] = 0;
        for (int64_t x = 0; x < dh; ++x) {
          r.out[(bh * c.lq + i) * dh + x] += p[j] * v[(bh * c.lk + j) * dh + x];
          dp[j] += go[x] * v[(bh * c.lk + j) * dh + x];
          r.gv[(bh * c.lk + j) * dh + x] += p[j] * go[x];
        }
        dot += p[j] * dp[j];
      }
      for (int64_t j = 0; j < c.lk; ++j) {
        const double ds = p[j] * (dp[j] - dot);
        for (int64_t x = 0; x < dh; ++x) {
          r.gq[(bh * c.lq + i) * dh + x] += scale * ds * k[(bh * c.lk + j) * dh + x];
          r.gk[(bh * c.lk + j) * dh + x] += scale * ds * qi[x];
        }
      }
    }
  }
  return r;
}

template <typename T>
double rel_error(const std::vector<T>& got, const std::vector<double>& want, bool* nonfinite) {
  double d2 = 0, n2 = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    if (std::isinf(want[i])) {  // lse of a row without keys
      if (!(std::isinf(double(got[i])) && got[i] < 0)) *nonfinite = true;
      continue;
    }
    if (!std::isfinite(double(got[i]))) *nonfinite = true;
    d2 += (double(got[i]) - want[i]) * (double(got[i]) - want[i]);
    n2 += want[i] * want[i];
  }
  // Relative to the reference's norm, floored at 0.1 per element (inputs are of order 1) so
  // that an exactly-zero reference (one key: dS = 0) does not turn rounding noise into a huge
  // relative error.
  return std::sqrt(d2) / std::max(std::sqrt(n2), 0.1 * std::sqrt(double(want.size())));
}

template <typename T>
int check(const Case& c, const char* type, int32_t dtype, double tolerance, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  const size_t nq = c.b * c.h * c.lq * c.dh, nk = c.b * c.h * c.lk * c.dh;
  std::vector<double> q(nq), k(nk), v(nk), gout(nq);
  for (auto* a : {&q, &k, &v, &gout})
    for (double& x : *a) x = normal(rng);
  std::vector<int32_t> mask(c.b * c.lk, 1);
  if (c.masked) {
    for (int64_t b = 0; b < c.b; ++b)
      for (int64_t j = 0; j < c.lk; ++j) mask[b * c.lk + j] = (j * 7 + b * 3) % 5 != 0 ? 1 + int32_t(j % 3) : 0;
    for (int64_t j = 0; j < c.lk; ++j) mask[(c.b - 1) * c.lk + j] = 0;  // the last batch has no keys at all
    if (c.b > 1)
      for (int64_t j = c.lk / 2; j < c.lk; ++j) mask[j] = 0;  // batch 0: padding at the end
  }
  const double scale = 1.0 / std::sqrt(double(c.dh));
  const Reference ref = reference(c, q, k, v, mask, scale, gout);

  auto cast = [](const std::vector<double>& a) { return std::vector<T>(a.begin(), a.end()); };
  std::vector<T> tq = cast(q), tk = cast(k), tv = cast(v), tg = cast(gout);
  const T poison = T(12345.5);
  std::vector<T> out(nq, poison), lse(c.b * c.h * c.lq, poison), gq(nq, poison), gk(nk, poison), gv(nk, poison);
  omp_set_num_threads(c.threads);
  const int32_t* m = c.masked ? mask.data() : nullptr;
  wp_attention_forward(dtype, c.b, c.h, c.lq, c.lk, c.dh, tq.data(), tk.data(), tv.data(), m, scale, out.data(),
                       lse.data());
  wp_attention_backward(dtype, c.b, c.h, c.lq, c.lk, c.dh, tq.data(), tk.data(), tv.data(), m, scale, out.data(),
                        lse.data(), tg.data(), gq.data(), gk.data(), gv.data());
  bool bad = false;
  const double errs[5] = {rel_error(out, ref.out, &bad), rel_error(lse, ref.lse, &bad), rel_error(gq, ref.gq, &bad),
                          rel_error(gk, ref.gk, &bad), rel_error(gv, ref.gv, &bad)};
  double worst = 0;
  for (double e : errs) worst = std::max(worst, e);
  const bool ok = !bad && worst <= tolerance;
  std::printf("%s %-6s B=%lld H=%lld Lq=%lld Lk=%lld Dh=%lld mask=%d threads=%d: out %.1e lse %.1e gq %.1e gk %.1e gv %.1e\n",
              ok ? "ok  " : "FAIL", type, (long long)c.b, (long long)c.h, (long long)c.lq, (long long)c.lk,
              (long long)c.dh, c.masked, c.threads, errs[0], errs[1], errs[2], errs[3], errs[4]);
  return ok ? 0 : 1;
}

}  // namespace

int main() {
  std::mt19937_64 rng(42);
  const Case cases[] = {
      {2, 3, 5, 7, 4, false, 1},    {2, 3, 5, 7, 4, true, 1},     {1, 2, 33, 33, 8, true, 2},
      {2, 2, 70, 130, 16, true, 1}, {2, 2, 70, 130, 16, true, 8}, {1, 1, 129, 200, 64, false, 4},
      {3, 2, 1, 65, 3, true, 3},    {2, 1, 40, 1, 5, false, 2},   {2, 4, 197, 197, 64, true, 2},
  };
  int failures = 0;
  // Every SIMD code path this CPU can run (the kernels read WEAKPAIR_SIMD on each call).
  for (const char* level : {"v4", "v3", "base"}) {
    setenv("WEAKPAIR_SIMD", level, 1);
    std::printf("-- WEAKPAIR_SIMD=%s (capped to what the CPU supports)\n", level);
    for (const Case& c : cases) {
      failures += check<double>(c, "double", WP_F64, 1e-12, rng);
      failures += check<float>(c, "float", WP_F32, 2e-5, rng);
    }
  }
  unsetenv("WEAKPAIR_SIMD");
  std::printf("%d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}
