// Parameter-free confidence of positive pairs (wp/uncertainty.h, docs/method.md section 1).
#include <cstring>
#include "method_common.h"
#include "fast_exp.h"
#include "positive_index.h"
#include "wp/uncertainty.h"

using namespace wp;

namespace {

// Softmax of the logits at `count` positions (strided by `stride` from `base`, picked by
// `idx`) written to the same positions of `out`.
template <typename T>
inline void positive_softmax(const T* base, int64_t stride, const int64_t* idx, int64_t count, T* out) {
  if (count == 0) return;
  T m = base[idx[0] * stride];
  for (int64_t k = 1; k < count; ++k) m = std::max(m, base[idx[k] * stride]);
  double s = 0;
  for (int64_t k = 0; k < count; ++k) s += double(fast_exp(T(base[idx[k] * stride] - m)));
  const T lse = T(double(m) + std::log(s));
  for (int64_t k = 0; k < count; ++k) out[idx[k] * stride] = fast_exp(T(base[idx[k] * stride] - lse));
}

template <typename T>
void confidence(int64_t nr, int64_t nc, const T* S, const int64_t* rl, const int64_t* cl, T* ci2t, T* ct2i) {
  const PositiveIndex P(nr, nc, rl, cl);
  if (ci2t != nullptr) {
    std::memset(ci2t, 0, sizeof(T) * nr * nc);
    parallel_chunks(nr, 64, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        positive_softmax(S + i * nc, 1, P.cols_by_label.data() + P.row_begin[i], P.row_count[i], ci2t + i * nc);
    });
  }
  if (ct2i != nullptr) {
    std::memset(ct2i, 0, sizeof(T) * nr * nc);
    parallel_chunks(nc, 64, [&](int64_t b, int64_t e) {
      for (int64_t j = b; j < e; ++j)
        positive_softmax(S + j, nc, P.rows_by_label.data() + P.col_begin[j], P.col_count[j], ct2i + j);
    });
  }
}

}  // namespace

WP_API void wp_uncertainty_confidence(int32_t dtype, int64_t n_rows, int64_t n_cols, const void* logits,
                                      const int64_t* row_labels, const int64_t* col_labels, void* conf_i2t,
                                      void* conf_t2i) {
  if (n_rows <= 0 || n_cols <= 0) return;
  dispatch_float(dtype, "uncertainty_confidence", [&](auto zero) {
    using T = decltype(zero);
    confidence<T>(n_rows, n_cols, static_cast<const T*>(logits), row_labels, col_labels, static_cast<T*>(conf_i2t),
                  static_cast<T*>(conf_t2i));
  });
}
