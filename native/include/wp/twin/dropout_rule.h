/* The dropout mask as a pure function of (seed, element index), shared by the CPU kernel and
 * its CUDA twin so both drop exactly the same elements (see wp/dropout.h). */
#pragma once
#include "wp/twin/twin.h"

namespace wp {
namespace twin {

/* The splitmix64 finaliser. */
WP_TWIN uint64_t mix64(uint64_t z) {
  z ^= z >> 30;
  z *= 0xbf58476d1ce4e5b9ULL;
  z ^= z >> 27;
  z *= 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

/* Element i is dropped when the top 32 bits of mix64(key + (i + 1) * golden) fall below
 * floor(p * 2^32), with key = mix64(seed); kept elements are scaled by 1 / (1 - p). */
struct DropoutRule {
  uint64_t key;
  uint64_t threshold;

  /* p in [0, 1]; floor(p * 2^32) is exact in double, and p = 1 gives 2^32, above every draw. */
  static DropoutRule make(double p, int64_t seed) {
    return DropoutRule{mix64(uint64_t(seed)), uint64_t(floor(p * 4294967296.0))};
  }

  WP_TWIN bool dropped(int64_t i) const {
    return (mix64(key + uint64_t(i + 1) * 0x9e3779b97f4a7c15ULL) >> 32) < threshold;
  }
};

}  // namespace twin
}  // namespace wp
