// Cross-entropy with hard (class id, with an ignore index) and soft targets, fused with the
// log-softmax so the probabilities are never stored.
#include <algorithm>
#include <cmath>
#include <limits>
#include "fast_exp.h"
#include "kernel_util.h"
#include "wp/cross_entropy.h"

using namespace wp;

namespace {

// log(sum exp(row)) with the maximum subtracted first; the sum of exponentials is in double.
template <typename T>
inline double row_log_sum_exp(const T* row, int64_t classes) {
  T mx = row[0];
#pragma omp simd reduction(max : mx)
  for (int64_t c = 1; c < classes; ++c) mx = std::max(mx, row[c]);
  if (std::isinf(mx)) return double(mx);  // all -inf (or a +inf): the limit is the maximum itself
  double s = 0;
#pragma omp simd reduction(+ : s)
  for (int64_t c = 0; c < classes; ++c) s += double(fast_exp(row[c] - mx));
  return double(mx) + std::log(s);
}

template <typename T>
WP_HOT void hard_forward_rows(int64_t begin, int64_t end, int64_t classes, const T* logits, const int32_t* targets,
                              int32_t ignore_index, T* loss, T* lse) {
  for (int64_t r = begin; r < end; ++r) {
    const T* row = logits + r * classes;
    const double l = row_log_sum_exp(row, classes);
    lse[r] = T(l);
    const int32_t t = targets[r];
    loss[r] = t == ignore_index ? T(0) : T(l - double(row[t]));
  }
}

template <typename T>
WP_HOT void hard_backward_rows(int64_t begin, int64_t end, int64_t classes, const T* logits, const int32_t* targets,
                               int32_t ignore_index, const T* lse, const T* gloss, T* glogits) {
  for (int64_t r = begin; r < end; ++r) {
    T* out = glogits + r * classes;
    const int32_t t = targets[r];
    if (t == ignore_index) {
      std::fill(out, out + classes, T(0));
      continue;
    }
    const T* row = logits + r * classes;
    const T l = lse[r], g = gloss[r];
#pragma omp simd
    for (int64_t c = 0; c < classes; ++c) out[c] = g * fast_exp(row[c] - l);
    out[t] -= g;
  }
}

template <typename T>
WP_HOT void soft_forward_rows(int64_t begin, int64_t end, int64_t classes, const T* logits, const T* q, T* loss,
                              T* lse) {
  for (int64_t r = begin; r < end; ++r) {
    const T* row = logits + r * classes;
    const T* qr = q + r * classes;
    const double l = row_log_sum_exp(row, classes);
    lse[r] = T(l);
    // sum q * (lse - x) term by term: every term is >= 0 for q >= 0, so nothing cancels.
    double acc = 0;
#pragma omp simd reduction(+ : acc)
    for (int64_t c = 0; c < classes; ++c) acc += qr[c] != T(0) ? double(qr[c]) * (l - double(row[c])) : 0.0;
    loss[r] = T(acc);
  }
}

template <typename T>
WP_HOT void soft_backward_rows(int64_t begin, int64_t end, int64_t classes, const T* logits, const T* q, const T* lse,
                               const T* gloss, T* glogits, T* gq) {
  for (int64_t r = begin; r < end; ++r) {
    const T* row = logits + r * classes;
    const T* qr = q + r * classes;
    T* out = glogits + r * classes;
    double qsum = 0;
#pragma omp simd reduction(+ : qsum)
    for (int64_t c = 0; c < classes; ++c) qsum += double(qr[c]);
    const T l = lse[r], g = gloss[r], gs = T(double(gloss[r]) * qsum);
#pragma omp simd
    for (int64_t c = 0; c < classes; ++c) out[c] = gs * fast_exp(row[c] - l) - g * qr[c];
    if (gq) {
      T* gqr = gq + r * classes;
#pragma omp simd
      for (int64_t c = 0; c < classes; ++c) gqr[c] = -g * (row[c] - l);
    }
  }
}

void check_sizes(const char* op, int64_t rows, int64_t classes) {
  if (rows < 0 || classes < 1)
    fail(std::string(op) + ": need rows >= 0 and classes >= 1, got rows=" + std::to_string(rows) + " classes=" +
         std::to_string(classes));
}

int64_t first_bad_target(int64_t rows, int64_t classes, const int32_t* targets, int32_t ignore_index) {
  for (int64_t r = 0; r < rows; ++r) {
    const int32_t t = targets[r];
    if (t != ignore_index && (t < 0 || t >= classes)) return r;
  }
  return -1;
}

// Work per row: a few passes over the classes, exp included.
constexpr int64_t kWorkPerClass = 16;

}  // namespace

WP_API int64_t wp_cross_entropy_forward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                        const int32_t* targets, int32_t ignore_index, void* loss, void* lse) {
  check_sizes("cross_entropy_forward", rows, classes);
  const int64_t bad = first_bad_target(rows, classes, targets, ignore_index);
  if (bad >= 0) return bad;
  dispatch_float(dtype, "cross_entropy_forward", [&](auto zero) {
    using T = decltype(zero);
    parallel_chunks(rows, classes * kWorkPerClass, [&](int64_t b, int64_t e) {
      hard_forward_rows<T>(b, e, classes, static_cast<const T*>(logits), targets, ignore_index, static_cast<T*>(loss),
                           static_cast<T*>(lse));
    });
  });
  return -1;
}

WP_API void wp_cross_entropy_backward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                      const int32_t* targets, int32_t ignore_index, const void* lse,
                                      const void* gloss, void* glogits) {
  check_sizes("cross_entropy_backward", rows, classes);
  const int64_t bad = first_bad_target(rows, classes, targets, ignore_index);
  if (bad >= 0)
    fail("cross_entropy_backward: target " + std::to_string(targets[bad]) + " at row " + std::to_string(bad) +
         " is outside [0, " + std::to_string(classes) + ")");
  dispatch_float(dtype, "cross_entropy_backward", [&](auto zero) {
    using T = decltype(zero);
    parallel_chunks(rows, classes * kWorkPerClass, [&](int64_t b, int64_t e) {
      hard_backward_rows<T>(b, e, classes, static_cast<const T*>(logits), targets, ignore_index,
                            static_cast<const T*>(lse), static_cast<const T*>(gloss), static_cast<T*>(glogits));
    });
  });
}

WP_API void wp_soft_cross_entropy_forward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                          const void* q, void* loss, void* lse) {
  check_sizes("soft_cross_entropy_forward", rows, classes);
  dispatch_float(dtype, "soft_cross_entropy_forward", [&](auto zero) {
    using T = decltype(zero);
    parallel_chunks(rows, classes * kWorkPerClass, [&](int64_t b, int64_t e) {
      soft_forward_rows<T>(b, e, classes, static_cast<const T*>(logits), static_cast<const T*>(q),
                           static_cast<T*>(loss), static_cast<T*>(lse));
    });
  });
}

WP_API void wp_soft_cross_entropy_backward(int32_t dtype, int64_t rows, int64_t classes, const void* logits,
                                           const void* q, const void* lse, const void* gloss, void* glogits,
                                           void* gq) {
  check_sizes("soft_cross_entropy_backward", rows, classes);
  dispatch_float(dtype, "soft_cross_entropy_backward", [&](auto zero) {
    using T = decltype(zero);
    parallel_chunks(rows, classes * kWorkPerClass, [&](int64_t b, int64_t e) {
      soft_backward_rows<T>(b, e, classes, static_cast<const T*>(logits), static_cast<const T*>(q),
                            static_cast<const T*>(lse), static_cast<const T*>(gloss), static_cast<T*>(glogits),
                            static_cast<T*>(gq));
    });
  });
}
