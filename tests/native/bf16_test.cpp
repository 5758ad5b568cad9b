// BF16 conversions (native/src/bf16.h and the wp_cast / wp_fill / wp_copy_strided / wp_has_nonfinite
// kernels) against a reference rounding written here independently: it picks the nearer of the
// two bfloat16 neighbours by exact distance (ties to the even one) instead of the kernels'
// carry trick. Covers every bfloat16 value, every upper half of a float32 with the dropped
// halves that matter (zero, just above zero, just below / at / just above the midpoint, all
// ones), a sweep of every 251st float32 bit pattern, random doubles, and the named edge cases.
// WP_BF16_EXHAUSTIVE=1 in the environment checks all 2^32 float32 bit patterns instead of the sweep.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>
#include "../../native/src/bf16.h"
#include "wp/runtime.h"

namespace {
int failures = 0;

void check(bool ok, const char* what, double x, unsigned got, unsigned want) {
  if (ok) return;
  if (++failures <= 20) std::printf("FAIL %s: x = %.17g: got 0x%04x, expected 0x%04x\n", what, x, got, want);
}

uint32_t bits_of(float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }
float float_of(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }

// The value of a bfloat16 magnitude (no sign bit), 0x7f80 standing for 2^128: the next value
// up from the largest finite one, as if the exponent went on (the IEEE overflow rule).
double magnitude_value(uint32_t m) {
  if (m == 0x7f80u) return std::ldexp(1.0, 128);
  return double(float_of(m << 16));
}

// Nearest bfloat16 to a finite, non-NaN magnitude ax (as a double), ties to even; lo is the
// largest bfloat16 magnitude not above ax.
uint16_t nearest(double ax, uint32_t lo) {
  const double vlo = magnitude_value(lo), vhi = magnitude_value(lo + 1);
  const double below = ax - vlo, above = vhi - ax;  // exact: Sterbenz, both operands within a factor 2
  if (below < above) return uint16_t(lo);
  if (above < below) return uint16_t(lo + 1);
  return uint16_t((lo & 1u) ? lo + 1 : lo);
}

// Reference float -> bfloat16 for non-NaN inputs.
uint16_t ref_from_float(float x) {
  const uint16_t sign = std::signbit(x) ? 0x8000u : 0u;
  if (std::isinf(x)) return sign | 0x7f80u;
  const float ax = std::fabs(x);
  const uint32_t lo = bits_of(ax) >> 16;  // truncation = the largest bfloat16 <= ax
  return sign | nearest(double(ax), lo);
}

// Reference double -> bfloat16 for non-NaN inputs: the largest bfloat16 below |d| from a float
// truncated toward zero, then the same nearest-neighbour rule.
uint16_t ref_from_double(double d) {
  const uint16_t sign = std::signbit(d) ? 0x8000u : 0u;
  if (std::isinf(d)) return sign | 0x7f80u;
  const double ad = std::fabs(d);
  if (ad >= std::ldexp(1.0, 128)) return sign | 0x7f80u;
  float f = float(ad);
  if (double(f) > ad) f = std::nextafter(f, 0.0f);
  const uint32_t lo = bits_of(f) >> 16;
  return sign | nearest(ad, lo);
}

bool is_bf16_nan(uint16_t h) { return (h & 0x7f80u) == 0x7f80u && (h & 0x7fu) != 0; }

void check_float(float x) {
  const uint16_t got = wp::f32_to_bf16(x);
  if (std::isnan(x)) {
    const bool ok = is_bf16_nan(got) && ((got >> 15) == (bits_of(x) >> 31));
    check(ok, "f32 NaN stays a NaN of its sign", x, got, 0x7fc0u);
    return;
  }
  const uint16_t want = ref_from_float(x);
  check(got == want, "f32_to_bf16", x, got, want);
}

void check_double(double d) {
  const uint16_t got = wp::f64_to_bf16(d);
  if (std::isnan(d)) {
    check(is_bf16_nan(got) && (got >> 15) == (std::signbit(d) ? 1u : 0u), "f64 NaN stays a NaN of its sign", d, got, 0x7fc0u);
    return;
  }
  const uint16_t want = ref_from_double(d);
  check(got == want, "f64_to_bf16", d, got, want);
}

struct Named { const char* what; uint32_t in; uint16_t out; };

}  // namespace

int main() {
  // 1. Widening: every bfloat16 is a float32 with 16 zero bits below it, and back again unchanged.
  for (uint32_t h = 0; h < 0x10000u; ++h) {
    const float f = wp::bf16_to_f32(uint16_t(h));
    check(bits_of(f) == (h << 16), "bf16_to_f32 exact", f, bits_of(f) >> 16, h);
    if (!std::isnan(f)) check(wp::f32_to_bf16(f) == h, "bf16 -> f32 -> bf16 round trip", f, wp::f32_to_bf16(f), h);
    if (!std::isnan(f)) check(wp::f64_to_bf16(double(f)) == h, "bf16 -> f64 -> bf16 round trip", f, wp::f64_to_bf16(double(f)), h);
  }

  // 2. The named edge cases, with their expected results written out.
  const Named edges[] = {
      {"+0", 0x00000000u, 0x0000u}, {"-0", 0x80000000u, 0x8000u},
      {"+inf", 0x7f800000u, 0x7f80u}, {"-inf", 0xff800000u, 0xff80u},
      {"1.0", 0x3f800000u, 0x3f80u},
      {"tie to even (down): 1 + 2^-8", 0x3f808000u, 0x3f80u},
      {"tie to even (up): 1 + 3*2^-8", 0x3f818000u, 0x3f82u},
      {"just above the tie rounds up", 0x3f808001u, 0x3f81u},
      {"just below the tie rounds down", 0x3f807fffu, 0x3f80u},
      {"carry into the exponent: 2 - 2^-9", 0x3fffc000u, 0x4000u},
      {"largest float rounds to +inf", 0x7f7fffffu, 0x7f80u},
      {"largest bfloat16 stays", 0x7f7f0000u, 0x7f7fu},
      {"tie at the top (odd) overflows to inf", 0x7f7f8000u, 0x7f80u},
      {"below the top tie stays finite", 0x7f7f7fffu, 0x7f7fu},
      {"-largest float rounds to -inf", 0xff7fffffu, 0xff80u},
      {"smallest float subnormal rounds to +0", 0x00000001u, 0x0000u},
      {"smallest bfloat16 subnormal stays", 0x00010000u, 0x0001u},
      {"subnormal tie to even (down)", 0x00008000u, 0x0000u},
      {"subnormal tie to even (up)", 0x00018000u, 0x0002u},
      {"largest subnormal rounds to the smallest normal", 0x007fffffu, 0x0080u},
      {"-subnormal keeps its sign", 0x80018001u, 0x8002u},
  };
  for (const Named& e : edges) {
    const uint16_t got = wp::f32_to_bf16(float_of(e.in));
    check(got == e.out, e.what, float_of(e.in), got, e.out);
    check(got == ref_from_float(float_of(e.in)), e.what, float_of(e.in), got, ref_from_float(float_of(e.in)));
  }
  // NaN: quiet or signalling, payload above or only below the kept half, either sign.
  for (uint32_t nan : {0x7fc00000u, 0x7f800001u, 0x7f80ffffu, 0x7fa00000u, 0xffc00000u, 0xff800001u, 0x7fffffffu}) {
    check_float(float_of(nan));
    const uint16_t got = wp::f32_to_bf16(float_of(nan));
    check((got & 0x0040u) != 0, "NaN made quiet", float_of(nan), got, got | 0x40u);
  }

  // 3. Every float32 upper half with the dropped halves that decide the rounding.
  const uint32_t lows[] = {0x0000u, 0x0001u, 0x3fffu, 0x7ffeu, 0x7fffu, 0x8000u, 0x8001u, 0xc000u, 0xfffeu, 0xffffu};
  for (uint32_t hi = 0; hi < 0x10000u; ++hi)
    for (uint32_t lo : lows) check_float(float_of((hi << 16) | lo));

  // 4. A sweep of float32 bit patterns (all of them when asked).
  const char* exhaustive_env = std::getenv("WP_BF16_EXHAUSTIVE");
  const bool exhaustive = exhaustive_env != nullptr && std::strcmp(exhaustive_env, "1") == 0;
  const uint64_t step = exhaustive ? 1 : 251;
  uint64_t swept = 0;
  for (uint64_t u = 0; u <= 0xffffffffull; u += step, ++swept) check_float(float_of(uint32_t(u)));

  // 5. Doubles: random bit patterns over the float range and beyond, exact bfloat16 midpoints
  //    nudged by one double ulp either way (where going through a float rounded to nearest
  //    would round twice), and the edges.
  std::mt19937_64 rng(20261208);
  for (int i = 0; i < 2000000; ++i) {
    const double d = std::ldexp(std::uniform_real_distribution<double>(-1.0, 1.0)(rng), int(rng() % 300) - 150);
    check_double(d);
  }
  for (int i = 0; i < 200000; ++i) {
    uint64_t u = rng();
    double d;
    std::memcpy(&d, &u, 8);
    check_double(d);
  }
  for (uint32_t hi = 0; hi < 0x7f80u; hi += 7) {
    const double mid = (magnitude_value(hi) + magnitude_value(hi + 1)) / 2;  // exact in double
    for (double d : {mid, std::nextafter(mid, 0.0), std::nextafter(mid, 1e300)}) {
      check_double(d);
      check_double(-d);
    }
  }
  for (double d : {0.0, -0.0, 1e-300, -1e-300, 1e300, -1e300, std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
                   -std::numeric_limits<double>::quiet_NaN(), double(std::numeric_limits<float>::max()),
                   std::ldexp(1.0, 128), std::ldexp(1.0, -133), std::ldexp(1.0, -134), std::ldexp(1.5, -134)})
    check_double(d);
  // The double-rounding trap itself: 1 + 2^-8 + 2^-30 is above the bfloat16 midpoint, but a float
  // rounded to nearest drops the 2^-30 and leaves an exact tie, which would round down to 1.
  check(wp::f64_to_bf16(1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30)) == 0x3f81u, "no double rounding",
        1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30), wp::f64_to_bf16(1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30)), 0x3f81u);

  // 6. The kernels as Java calls them (threads, chunking): wp_cast both ways against the scalar
  //    functions, fill, strided copy, the non-finite test, and refused casts.
  const int64_t n = 1 << 20;
  std::vector<float> f32(n);
  std::vector<double> f64(n);
  std::vector<uint16_t> h(n), h2(n);
  for (int64_t i = 0; i < n; ++i) {
    f32[i] = float_of(uint32_t(rng()));
    f64[i] = std::ldexp(std::uniform_real_distribution<double>(-1.0, 1.0)(rng), int(rng() % 280) - 140);
  }
  wp_cast(WP_F32, f32.data(), WP_BF16, h.data(), n);
  for (int64_t i = 0; i < n; ++i) {
    if (std::isnan(f32[i])) check(is_bf16_nan(h[i]), "wp_cast F32->BF16 NaN", f32[i], h[i], 0x7fc0u);
    else check(h[i] == ref_from_float(f32[i]), "wp_cast F32->BF16", f32[i], h[i], ref_from_float(f32[i]));
  }
  std::vector<float> back(n);
  wp_cast(WP_BF16, h.data(), WP_F32, back.data(), n);
  for (int64_t i = 0; i < n; ++i) check(bits_of(back[i]) == uint32_t(h[i]) << 16, "wp_cast BF16->F32", back[i], bits_of(back[i]) >> 16, h[i]);
  wp_cast(WP_F64, f64.data(), WP_BF16, h2.data(), n);
  for (int64_t i = 0; i < n; ++i) check(h2[i] == ref_from_double(f64[i]), "wp_cast F64->BF16", f64[i], h2[i], ref_from_double(f64[i]));
  std::vector<double> back64(n);
  wp_cast(WP_BF16, h2.data(), WP_F64, back64.data(), n);
  for (int64_t i = 0; i < n; ++i)
    check(back64[i] == double(wp::bf16_to_f32(h2[i])), "wp_cast BF16->F64", back64[i], wp::f64_to_bf16(back64[i]), h2[i]);

  wp_fill(WP_BF16, h.data(), n, 1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30));
  check(h[0] == 0x3f81u && h[n - 1] == 0x3f81u, "wp_fill BF16 rounds the value once", 0, h[n - 1], 0x3f81u);
  check(wp_has_nonfinite(WP_BF16, h.data(), n) == 0, "has_nonfinite on finite BF16", 0, 0, 0);
  h[n / 2] = 0xff80u;
  check(wp_has_nonfinite(WP_BF16, h.data(), n) == 1, "has_nonfinite finds -inf", 0, 1, 1);
  h[n / 2] = 0x7fc1u;
  check(wp_has_nonfinite(WP_BF16, h.data(), n) == 1, "has_nonfinite finds NaN", 0, 1, 1);

  // A transposed 3x5 copy: the 2-byte elements land where the strides say.
  uint16_t src[15], dst[15];
  for (int i = 0; i < 15; ++i) src[i] = uint16_t(0x3f80u + i);
  const int64_t shape[2] = {5, 3}, sstr[2] = {1, 5}, dstr[2] = {3, 1};
  wp_copy_strided(WP_BF16, 2, shape, src, sstr, dst, dstr);
  for (int r = 0; r < 5; ++r)
    for (int c = 0; c < 3; ++c) check(dst[r * 3 + c] == src[c * 5 + r], "wp_copy_strided BF16", r * 3 + c, dst[r * 3 + c], src[c * 5 + r]);

  for (int32_t other : {int32_t(WP_I32), int32_t(WP_I64)}) {
    bool refused = false;
    try {
      int32_t i32[4] = {0, 1, 2, 3};
      int64_t i64[4] = {0, 1, 2, 3};
      wp_cast(other, other == WP_I32 ? static_cast<void*>(i32) : static_cast<void*>(i64), WP_BF16, h.data(), 4);
    } catch (const std::invalid_argument& e) {
      refused = std::strstr(e.what(), "BF16") != nullptr;
    }
    check(refused, "integer -> BF16 cast refused with a message naming BF16", other, 0, 1);
  }

  std::printf("bf16: %llu float32 patterns swept (%s), %d failures\n", (unsigned long long)swept,
              exhaustive ? "all 2^32" : "every 251st", failures);
  return failures == 0 ? 0 : 1;
}
