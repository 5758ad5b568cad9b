/* One AdamW element update (decoupled weight decay, as torch.optim.AdamW), shared by the CPU
 * kernel and its CUDA twin (see wp/adamw.h). */
#pragma once
#include "wp/twin/twin.h"

namespace wp {
namespace twin {

/* The step's scalar factors, computed once in double (beta^step for large steps needs it). */
struct AdamWScalars {
  double decay;         /* 1 - lr * weight_decay */
  double step_size;     /* lr / (1 - beta1^step) */
  double inv_sqrt_bc2;  /* 1 / sqrt(1 - beta2^step) */

  static AdamWScalars make(double lr, double beta1, double beta2, double weight_decay, int64_t step) {
    return AdamWScalars{1.0 - lr * weight_decay, lr / (1.0 - pow(beta1, double(step))),
                        1.0 / sqrt(1.0 - pow(beta2, double(step)))};
  }
};

/* m, v <- moments with gradient g; returns the updated parameter. The factors are rounded to T
 * by the caller so float parameters stream at full width. */
template <typename T>
WP_TWIN T adamw_update(T param, T g, T& m, T& v, T decay, T beta1, T beta2, T step_size, T inv_sqrt_bc2, T eps) {
  m = beta1 * m + (T(1) - beta1) * g;
  v = beta2 * v + (T(1) - beta2) * g * g;
  return param * decay - step_size * m / (sqrt_of(v) * inv_sqrt_bc2 + eps);
}

}  // namespace twin
}  // namespace wp
