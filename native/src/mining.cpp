// Group-wise hard-negative mining and weak-positive selection (wp/mining.h, docs/method.md section 4).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>
#include "method_common.h"
#include "wp/mining.h"
#include "wp/twin/mining_rule.h"

using namespace wp;

namespace {

constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

double uniform(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b) {
  const uint64_t h = mix64(mix64(mix64(seed + kGolden * stream) + kGolden * a) + kGolden * b);
  return (double(h >> 11) + 0.5) * 0x1.0p-53;
}

// Identity groups: members in index order, groups in order of their first index.
std::vector<std::vector<int64_t>> groups_of(int64_t n, const int64_t* labels) {
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), int64_t{0});
  std::sort(order.begin(), order.end(),
            [labels](int64_t a, int64_t b) { return labels[a] < labels[b] || (labels[a] == labels[b] && a < b); });
  std::vector<std::vector<int64_t>> groups;
  for (int64_t s = 0; s < n;) {
    int64_t e = s;
    while (e < n && labels[order[e]] == labels[order[s]]) ++e;
    groups.emplace_back(order.begin() + s, order.begin() + e);
    s = e;
  }
  std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a[0] < b[0]; });
  return groups;
}

// The first `want` entries of the pool: outside indices ranked by key (descending, ties to
// the lower index; NaN keys last: twin::ranks_before, a strict weak order, so the sort is
// defined for any keys). keys[idx] is ignored for indices inside the group.
std::vector<int64_t> rank_pool(const std::vector<double>& keys, const std::vector<char>& inside, int64_t want) {
  std::vector<int64_t> pool;
  pool.reserve(keys.size());
  for (int64_t j = 0; j < int64_t(keys.size()); ++j)
    if (!inside[j]) pool.push_back(j);
  const int64_t take = std::min<int64_t>(want, int64_t(pool.size()));
  auto harder = [&keys](int64_t a, int64_t b) { return twin::ranks_before(keys[a], a, keys[b], b); };
  std::partial_sort(pool.begin(), pool.begin() + take, pool.end(), harder);
  pool.resize(take);
  return pool;
}

template <typename T>
void hard_negatives(int64_t n, const T* S, const int64_t* labels, int32_t mode, uint64_t seed, int32_t* neg_text,
                    int32_t* neg_image) {
  const auto groups = groups_of(n, labels);
  parallel_chunks(int64_t(groups.size()), n * 4, [&](int64_t gb, int64_t ge) {
    std::vector<double> xt(n), xi(n);
    std::vector<char> inside(n);
    for (int64_t gi = gb; gi < ge; ++gi) {
      const auto& g = groups[gi];
      const int64_t k = int64_t(g.size());
      std::fill(inside.begin(), inside.end(), 0);
      for (int64_t m : g) inside[m] = 1;
      // Text j: max over the group's images (rows); image i: max over the group's texts (columns).
      for (int64_t j = 0; j < n; ++j) {
        T mt = S[g[0] * n + j], mi = S[j * n + g[0]];
        for (int64_t r = 1; r < k; ++r) {
          mt = twin::nan_low_max(mt, S[g[r] * n + j]);
          mi = twin::nan_low_max(mi, S[j * n + g[r]]);
        }
        xt[j] = double(mt);
        xi[j] = double(mi);
      }
      if (mode == WP_MINING_SAMPLE) {
        for (int64_t j = 0; j < n; ++j) {
          if (inside[j]) continue;
          xt[j] += -std::log(-std::log(uniform(seed, 1, uint64_t(g[0]), uint64_t(j))));
          xi[j] += -std::log(-std::log(uniform(seed, 2, uint64_t(g[0]), uint64_t(j))));
        }
      }
      const auto pool_t = rank_pool(xt, inside, k);
      const auto pool_i = rank_pool(xi, inside, k);
      for (int64_t r = 0; r < k; ++r) {
        neg_text[g[r]] = pool_t.empty() ? -1 : int32_t(pool_t[r % int64_t(pool_t.size())]);
        neg_image[g[r]] = pool_i.empty() ? -1 : int32_t(pool_i[r % int64_t(pool_i.size())]);
      }
    }
  });
}

template <typename T>
void weak_positives(int64_t n, const T* S, const int64_t* labels, int32_t mode, uint64_t seed, int32_t* weak) {
  const auto groups = groups_of(n, labels);
  parallel_chunks(int64_t(groups.size()), n, [&](int64_t gb, int64_t ge) {
    for (int64_t gi = gb; gi < ge; ++gi) {
      const auto& g = groups[gi];
      const int64_t k = int64_t(g.size());
      for (int64_t r = 0; r < k; ++r) {
        const int64_t i = g[r];
        if (k < 2) {
          weak[i] = -1;
          continue;
        }
        if (mode == WP_MINING_SAMPLE) {
          const int64_t pick = std::min<int64_t>(k - 2, int64_t(uniform(seed, 3, uint64_t(i), 0) * double(k - 1)));
          weak[i] = int32_t(g[pick < r ? pick : pick + 1]);  // the pick-th member other than i
          continue;
        }
        weak[i] = int32_t(g[twin::weakest_member(S + i * n, g.data(), k, r)]);  // shared with the CUDA twin
      }
    }
  });
}

}  // namespace

WP_API double wp_mining_uniform(uint64_t seed, uint64_t stream, uint64_t a, uint64_t b) {
  return uniform(seed, stream, a, b);
}

WP_API void wp_mining_hard_negatives(int32_t dtype, int64_t n, const void* logits, const int64_t* labels, int32_t mode,
                                     uint64_t seed, int32_t* hard_neg_text, int32_t* hard_neg_image) {
  if (n <= 0) return;
  if (mode != WP_MINING_TOPK && mode != WP_MINING_SAMPLE) fail("mining: unknown mode " + std::to_string(mode));
  dispatch_float(dtype, "mining_hard_negatives", [&](auto zero) {
    using T = decltype(zero);
    hard_negatives<T>(n, static_cast<const T*>(logits), labels, mode, seed, hard_neg_text, hard_neg_image);
  });
}

WP_API void wp_mining_weak_positives(int32_t dtype, int64_t n, const void* logits, const int64_t* labels, int32_t mode,
                                     uint64_t seed, int32_t* weak_pos_text) {
  if (n <= 0) return;
  if (mode != WP_MINING_TOPK && mode != WP_MINING_SAMPLE) fail("mining: unknown mode " + std::to_string(mode));
  dispatch_float(dtype, "mining_weak_positives", [&](auto zero) {
    using T = decltype(zero);
    weak_positives<T>(n, static_cast<const T*>(logits), labels, mode, seed, weak_pos_text);
  });
}
