/* Dropout with a counter-based mask: element i of a call with seed s is kept or dropped by a
 * hash of (s, i) alone, so the mask is reproducible, independent of the thread count, and the
 * same on every backend that implements the same hash:
 *
 *   mix(z)  = splitmix64 finaliser: z ^= z >> 30; z *= 0xbf58476d1ce4e5b9;
 *                                   z ^= z >> 27; z *= 0x94d049bb133111eb; z ^= z >> 31
 *   key     = mix(seed)
 *   u(i)    = mix(key + (i + 1) * 0x9e3779b97f4a7c15) >> 32          (uniform on [0, 2^32))
 *   dropped = u(i) < floor(p * 2^32)                                (p = 1 drops everything)
 *
 * Kept elements are scaled by 1 / (1 - p). */
#pragma once
#include "wp/common.h"

/* y[i] = x[i] * m[i] with m[i] = 1/(1-p) if kept, else 0, for n contiguous elements; mask
 * (n elements of dtype, may be NULL) receives m. p in [0, 1]. y may alias x. The backward of
 * dropout is this same call applied to the output gradient with the same seed and p. */
WP_API void wp_dropout_forward(int32_t dtype, int64_t n, const void* x, void* y, void* mask, double p, int64_t seed);
