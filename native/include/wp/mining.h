/* Group-wise hard-negative mining and weak-positive selection for GITM (docs/method.md section 4),
 * from the square logits S [n, n] of a batch (row i: image i, column j: text j, text i
 * written for image i) and identity labels [n]. Outputs are int32 [n]; -1 means none.
 *
 * A group is the set of indices with one label, m_1 < ... < m_k; groups are ordered by their
 * first index.
 *  - Text pool T_g: texts j outside g ranked by max_{i in g} S_ij, descending (ties: lower j);
 *    hard_neg_text[m_r] = T_g[r mod |T_g|].
 *  - Image pool I_g: images i outside g ranked by max_{j in g} S_ij (ties: lower i);
 *    hard_neg_image[m_r] = I_g[r mod |I_g|].
 *  - Empty pool (one identity in the batch): -1.
 *  - WP_MINING_SAMPLE draws each pool without replacement with probabilities
 *    softmax(x) over the outside indices (x the group maxima above), by Gumbel-top-k: every
 *    outside index gets the key x + G, G = -log(-log u), and the pool is ordered by key,
 *    descending (ties: lower index), u = wp_mining_uniform(seed, stream, m_1, index) with
 *    stream 1 for texts and 2 for images (m_1 the group's first index).
 *  - Weak positive of image i (topk): the text j != i of its group with the lowest
 *    c_i2t[i][j] (section 1, softmax of S_i. over the group; ties: lower j); -1 for a
 *    singleton group. Sample mode: uniform among the j != i of the group, the
 *    floor(u * (k - 1))-th of them in index order, u = wp_mining_uniform(seed, 3, i, 0).
 *  - Non-finite logits: callers reject them (loss/NegativeMining names the first); here NaN is
 *    defined, never undefined behaviour: it orders below every number (group maxima ignore
 *    it unless all values are NaN; NaN keys rank last, among themselves by index), and a topk
 *    weak positive of a row whose group holds a NaN logit is the first other member
 *    (wp/twin/mining_rule.h). */
#pragma once
#include "wp/common.h"

enum wp_mining_mode { WP_MINING_TOPK = 0, WP_MINING_SAMPLE = 1 };

WP_API void wp_mining_hard_negatives(int32_t dtype, int64_t n, const void* logits, const int64_t* labels,
                                     int32_t mode, uint64_t seed, int32_t* hard_neg_text, int32_t* hard_neg_image);

WP_API void wp_mining_weak_positives(int32_t dtype, int64_t n, const void* logits, const int64_t* labels,
                                     int32_t mode, uint64_t seed, int32_t* weak_pos_text);

/* The reproducible uniform in (0, 1) of the sample mode, defined so any implementation can
 * draw the same numbers: with mix(z) the SplitMix64 finaliser
 *   z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9; z = (z ^ (z >> 27)) * 0x94D049BB133111EB; z ^ (z >> 31)
 * and GOLDEN = 0x9E3779B97F4A7C15 (all arithmetic mod 2^64):
 *   h = mix(mix(mix(seed + GOLDEN * stream) + GOLDEN * a) + GOLDEN * b)
 *   u = ((h >> 11) + 0.5) / 2^53 */
WP_API double wp_mining_uniform(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b);
