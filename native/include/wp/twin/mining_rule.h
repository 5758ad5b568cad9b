/* The topk weak-positive choice of wp/mining.h, shared by the CPU kernel and its CUDA twin so
 * both pick the same text for any logits, rounding ties included. */
#pragma once
#include "wp/twin/fast_exp_rule.h"

namespace wp {
namespace twin {

/* The order of mining's keys and logits: NaN below every number (-inf included), NaNs equal to
 * each other. The Java layer rejects non-finite logits before mining (loss/NegativeMining), so
 * this only makes NaN defined here, never undefined behaviour in a sort: a NaN key ranks after
 * every number, NaN keys among themselves by index; a group maximum ignores NaN unless all of
 * its values are NaN. Shared by the CPU kernel and its CUDA twin. */
template <typename T>
WP_TWIN bool nan_low_less(T a, T b) {
  return a != a ? b == b : (b == b && a < b);
}

template <typename T>
WP_TWIN T nan_low_max(T a, T b) {
  return nan_low_less(a, b) ? b : a;
}

/* True when outside index a (key ka) ranks before b (key kb) in a pool: the higher key first,
 * equal keys (both NaN included) to the lower index. A strict weak order for any keys. */
WP_TWIN bool ranks_before(double ka, int64_t a, double kb, int64_t b) {
  if (nan_low_less(kb, ka)) return true;
  if (nan_low_less(ka, kb)) return false;
  return a < b;
}

/* Image i's row s of the logits and its group's members (ascending indices, i = members[self],
 * k >= 2): returns the position t != self of the member with the lowest c_i2t[i][members[t]]
 * (docs/method.md section 1: the softmax of s over the group), ties to the lower position. c is
 * computed as the CPU kernels round it: the group maximum, the sum of fast_exp(s - max) in
 * double in member order, lse rounded to T, c = fast_exp(s - lse). In exact arithmetic c
 * increases with s, so this is the lowest logit; rounded, two different logits can share a c
 * (in F32, every c below exp(-87) flushes to 0; logits an ulp apart may round together), and
 * the lower index wins, on both devices. With a NaN logit in the group (never from the Java
 * layer) every c is NaN and the first member other than self is returned: defined, on both devices. */
template <typename T, typename Index>
WP_TWIN int64_t weakest_member(const T* s, const Index* members, int64_t k, int64_t self) {
  T m = s[members[0]];
  for (int64_t t = 1; t < k; ++t) {
    const T v = s[members[t]];
    m = m < v ? v : m;
  }
  double sum = 0;
  for (int64_t t = 0; t < k; ++t) sum += double(fast_exp(T(s[members[t]] - m)));
  const T lse = T(double(m) + log(sum));
  int64_t best = -1;
  T lowest = 0;
  for (int64_t t = 0; t < k; ++t) {
    if (t == self) continue;
    const T c = fast_exp(T(s[members[t]] - lse));
    if (best < 0 || c < lowest) {
      best = t;
      lowest = c;
    }
  }
  return best;
}

}  // namespace twin
}  // namespace wp
