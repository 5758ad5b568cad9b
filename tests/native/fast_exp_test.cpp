// Accuracy of wp::fast_expf against double-precision exp over the float range, and its edges.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include "../../native/src/fast_exp.h"

int main() {
  double worst = 0;
  float worst_x = 0;
  // Every 101st float bit pattern of each sign up to |x| = 88.7 (about 21 million values).
  for (uint32_t bits = 0; bits < 0x42B17218u; bits += 101) {
    for (uint32_t sign : {0u, 0x80000000u}) {
      const uint32_t b = bits | sign;
      float x;
      std::memcpy(&x, &b, sizeof x);
      if (x < -87.33f) continue;
      const double ref = std::exp(double(x));
      const double got = wp::fast_expf(x);
      const double rel = std::fabs(got - ref) / ref;
      if (rel > worst) {
        worst = rel;
        worst_x = x;
      }
    }
  }
  std::printf("fast_expf: worst relative error %.3e at x = %.9g\n", worst, double(worst_x));
  int failures = 0;
  if (worst > 4e-7) {  // a few float ulps (2^-23 = 1.19e-7)
    std::printf("FAIL: relative error above 4e-7\n");
    ++failures;
  }
  const float inf = std::numeric_limits<float>::infinity();
  struct Edge { float x; float expected; } edges[] = {
      {0.0f, 1.0f}, {-inf, 0.0f}, {-1000.0f, 0.0f}, {inf, inf}, {1000.0f, inf},
  };
  for (const Edge& e : edges) {
    const float got = wp::fast_expf(e.x);
    if (got != e.expected) {
      std::printf("FAIL: fast_expf(%g) = %g, expected %g\n", double(e.x), double(got), double(e.expected));
      ++failures;
    }
  }
  if (!std::isnan(wp::fast_expf(std::numeric_limits<float>::quiet_NaN()))) {
    std::printf("FAIL: fast_expf(NaN) is not NaN\n");
    ++failures;
  }
  return failures == 0 ? 0 : 1;
}
