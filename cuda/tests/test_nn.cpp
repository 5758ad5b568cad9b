// Neural-network kernels: layer norm, cross-entropy, embedding, L2 normalisation, dropout,
// patchify, AdamW.
#include "test_util.h"
#include "wp/adamw.h"
#include "wp/cross_entropy.h"
#include "wp/dropout.h"
#include "wp/embedding.h"
#include "wp/l2norm.h"
#include "wp/layernorm.h"
#include "wp/patchify.h"
#include "wpc/adamw.h"
#include "wpc/cross_entropy.h"
#include "wpc/dropout.h"
#include "wpc/embedding.h"
#include "wpc/l2norm.h"
#include "wpc/layernorm.h"
#include "wpc/patchify.h"

using namespace wpt;

namespace {

std::string dims(int64_t a, int64_t b) { return "[" + std::to_string(a) + "," + std::to_string(b) + "]"; }

template <typename T>
void check_layernorm(int64_t rows, int64_t cols, bool affine) {
  const std::string tag = dims(rows, cols) + (affine ? "" : " no-affine") + " " + type_name<T>();
  auto x = normal<T>(rows * cols, 2.0, 3.0);  // an offset mean: the shifted moments matter
  auto gamma = normal<T>(cols), beta = normal<T>(cols);
  Device<T> dx(x), dg(gamma), db(beta), dy(rows * cols), dm(rows), dr(rows);
  const T* g = affine ? dg.ptr : nullptr;
  const T* b = affine ? db.ptr : nullptr;
  wpc_layernorm_forward(dtype_of<T>(), rows, cols, dx.ptr, g, b, 1e-5, dy.ptr, dm.ptr, dr.ptr, stream());
  auto y = poisoned<T>(rows * cols), m = poisoned<T>(rows), r = poisoned<T>(rows);
  wp_layernorm_forward(dtype_of<T>(), rows, cols, x.data(), affine ? gamma.data() : nullptr,
                       affine ? beta.data() : nullptr, 1e-5, y.data(), m.data(), r.data());
  expect_close("layernorm_forward y " + tag, dy.download(), y, tolerance<T>());
  expect_close("layernorm_forward mean " + tag, dm.download(), m, tolerance<T>());
  expect_close("layernorm_forward rstd " + tag, dr.download(), r, tolerance<T>());

  // backward from the CPU's saved statistics, so both see the same inputs
  auto gy = normal<T>(rows * cols);
  Device<T> dm2(m), dr2(r), dgy(gy), dgx(rows * cols), dgg(cols), dgb(cols);
  wpc_layernorm_backward(dtype_of<T>(), rows, cols, dx.ptr, g, dm2.ptr, dr2.ptr, dgy.ptr, dgx.ptr, dgg.ptr, dgb.ptr,
                         stream());
  auto gx = poisoned<T>(rows * cols), gg = poisoned<T>(cols), gb = poisoned<T>(cols);
  wp_layernorm_backward(dtype_of<T>(), rows, cols, x.data(), affine ? gamma.data() : nullptr, m.data(), r.data(),
                        gy.data(), gx.data(), gg.data(), gb.data());
  expect_close("layernorm_backward gx " + tag, dgx.download(), gx, tolerance<T>());
  expect_close("layernorm_backward ggamma " + tag, dgg.download(), gg, tolerance<T>());
  expect_close("layernorm_backward gbeta " + tag, dgb.download(), gb, tolerance<T>());
  // parameter gradients alone (gx not wanted)
  Device<T> dgg2(cols);
  wpc_layernorm_backward(dtype_of<T>(), rows, cols, dx.ptr, g, dm2.ptr, dr2.ptr, dgy.ptr, nullptr, dgg2.ptr, nullptr,
                         stream());
  expect_close("layernorm_backward ggamma-only " + tag, dgg2.download(), gg, tolerance<T>());
}

template <typename T>
void layernorm_all() {
  check_layernorm<T>(37, 61, true);
  check_layernorm<T>(5, 1500, true);                // block rows
  check_layernorm<T>(big(16411, 300), 768, true);   // a BERT-base batch: split column sums
  check_layernorm<T>(9, 33, false);
  check_layernorm<T>(3, 3, true);  // (cols = 1 or 2 make gx exactly 0: a relative error of rounding noise)
}

template <typename T>
void check_cross_entropy(int64_t rows, int64_t classes) {
  const std::string tag = dims(rows, classes) + " " + type_name<T>();
  const int32_t ignore = -100;
  auto logits = normal<T>(rows * classes, 3.0);
  auto targets = ints(rows, 0, int32_t(classes - 1));
  for (int64_t r = 0; r < rows; r += 7) targets[size_t(r)] = ignore;
  Device<T> dl(logits), dloss(rows), dlse(rows);
  Device<int32_t> dt(targets);
  Device<int64_t> bad(1);
  wpc_cross_entropy_forward(dtype_of<T>(), rows, classes, dl.ptr, dt.ptr, ignore, dloss.ptr, dlse.ptr, bad.ptr,
                            stream());
  auto loss = poisoned<T>(rows), lse = poisoned<T>(rows);
  const int64_t cpu_bad = wp_cross_entropy_forward(dtype_of<T>(), rows, classes, logits.data(), targets.data(), ignore,
                                                   loss.data(), lse.data());
  expect_equal("cross_entropy_forward first_bad " + tag, bad.download(), std::vector<int64_t>{cpu_bad});
  expect_close("cross_entropy_forward loss " + tag, dloss.download(), loss, tolerance<T>());
  expect_close("cross_entropy_forward lse " + tag, dlse.download(), lse, tolerance<T>());

  auto gloss = normal<T>(rows);
  Device<T> dlse2(lse), dgl(gloss), dgx(rows * classes);
  wpc_cross_entropy_backward(dtype_of<T>(), rows, classes, dl.ptr, dt.ptr, ignore, dlse2.ptr, dgl.ptr, dgx.ptr,
                             stream());
  auto gx = poisoned<T>(rows * classes);
  wp_cross_entropy_backward(dtype_of<T>(), rows, classes, logits.data(), targets.data(), ignore, lse.data(),
                            gloss.data(), gx.data());
  expect_close("cross_entropy_backward " + tag, dgx.download(), gx, tolerance<T>());

  // soft targets: rows of a probability distribution, some mass-free entries
  auto q = uniform<T>(rows * classes, 0, 1);
  for (int64_t i = 0; i < rows * classes; i += 3) q[size_t(i)] = T(0);
  Device<T> dq(q), sloss(rows), slse(rows);
  wpc_soft_cross_entropy_forward(dtype_of<T>(), rows, classes, dl.ptr, dq.ptr, sloss.ptr, slse.ptr, stream());
  auto sl = poisoned<T>(rows), sle = poisoned<T>(rows);
  wp_soft_cross_entropy_forward(dtype_of<T>(), rows, classes, logits.data(), q.data(), sl.data(), sle.data());
  expect_close("soft_cross_entropy_forward loss " + tag, sloss.download(), sl, tolerance<T>());
  expect_close("soft_cross_entropy_forward lse " + tag, slse.download(), sle, tolerance<T>());
  Device<T> dsle(sle), sgx(rows * classes), sgq(rows * classes);
  wpc_soft_cross_entropy_backward(dtype_of<T>(), rows, classes, dl.ptr, dq.ptr, dsle.ptr, dgl.ptr, sgx.ptr, sgq.ptr,
                                  stream());
  auto cgx = poisoned<T>(rows * classes), cgq = poisoned<T>(rows * classes);
  wp_soft_cross_entropy_backward(dtype_of<T>(), rows, classes, logits.data(), q.data(), sle.data(), gloss.data(),
                                 cgx.data(), cgq.data());
  expect_close("soft_cross_entropy_backward glogits " + tag, sgx.download(), cgx, tolerance<T>());
  expect_close("soft_cross_entropy_backward gq " + tag, sgq.download(), cgq, tolerance<T>());
  Device<T> sgx2(rows * classes);
  wpc_soft_cross_entropy_backward(dtype_of<T>(), rows, classes, dl.ptr, dq.ptr, dsle.ptr, dgl.ptr, sgx2.ptr, nullptr,
                                  stream());
  expect_close("soft_cross_entropy_backward no-gq " + tag, sgx2.download(), cgx, tolerance<T>());
}

template <typename T>
void cross_entropy_all() {
  check_cross_entropy<T>(33, 10);
  check_cross_entropy<T>(7, 5003);                 // block rows
  check_cross_entropy<T>(big(2048, 70), big(30522, 1200));  // a vocabulary
  // a bad target: reported, and nothing written
  const int64_t rows = 9, classes = 4;
  auto logits = normal<T>(rows * classes);
  std::vector<int32_t> targets = {0, 1, 2, 3, -100, 1, 4, 0, -1};
  Device<T> dl(logits), dloss(rows), dlse(rows);
  Device<int32_t> dt(targets);
  Device<int64_t> bad(1);
  wpc_cross_entropy_forward(dtype_of<T>(), rows, classes, dl.ptr, dt.ptr, -100, dloss.ptr, dlse.ptr, bad.ptr, stream());
  auto loss = poisoned<T>(rows), lse = poisoned<T>(rows);
  const int64_t cpu_bad = wp_cross_entropy_forward(dtype_of<T>(), rows, classes, logits.data(), targets.data(), -100,
                                                   loss.data(), lse.data());
  expect_equal(std::string("cross_entropy_forward bad target reported ") + type_name<T>(), bad.download(),
               std::vector<int64_t>{cpu_bad});
  expect_untouched(std::string("cross_entropy_forward bad target writes nothing ") + type_name<T>(), dloss.download());
  expect_untouched(std::string("cross_entropy_forward bad target writes nothing (cpu) ") + type_name<T>(), loss);
}

template <typename T>
void embedding_all() {
  const int64_t vocab = 101, dim = big(768, 24), n = big(20011, 300);
  auto table = normal<T>(vocab * dim);
  auto ids = ints(n, 0, int32_t(vocab - 1));
  for (int64_t i = 0; i < n; i += 5) ids[size_t(i)] = 3;  // many repeats: atomics must add up
  Device<T> dtab(table), dout(n * dim);
  Device<int32_t> did(ids);
  Device<int64_t> bad(1);
  wpc_embedding_forward(dtype_of<T>(), vocab, dim, dtab.ptr, n, did.ptr, dout.ptr, bad.ptr, stream());
  auto out = poisoned<T>(n * dim);
  const int64_t cpu_bad = wp_embedding_forward(dtype_of<T>(), vocab, dim, table.data(), n, ids.data(), out.data());
  expect_equal(std::string("embedding_forward first_bad ") + type_name<T>(), bad.download(), std::vector<int64_t>{cpu_bad});
  expect_equal(std::string("embedding_forward ") + type_name<T>(), dout.download(), out);

  auto gy = normal<T>(n * dim);
  std::vector<T> zeros(size_t(vocab * dim), T(0));
  Device<T> dgy(gy), dgt(zeros);
  wpc_embedding_backward(dtype_of<T>(), vocab, dim, n, did.ptr, dgy.ptr, dgt.ptr, stream());
  auto gt = zeros;
  wp_embedding_backward(dtype_of<T>(), vocab, dim, n, ids.data(), gy.data(), gt.data());
  expect_close(std::string("embedding_backward ") + type_name<T>(), dgt.download(), gt, tolerance<T>());

  ids[size_t(n / 2)] = int32_t(vocab);  // out of range
  Device<int32_t> dbad_ids(ids);
  Device<T> dout2(n * dim);
  wpc_embedding_forward(dtype_of<T>(), vocab, dim, dtab.ptr, n, dbad_ids.ptr, dout2.ptr, bad.ptr, stream());
  expect_equal(std::string("embedding_forward bad id reported ") + type_name<T>(), bad.download(),
               std::vector<int64_t>{n / 2});
  expect_untouched(std::string("embedding_forward bad id writes nothing ") + type_name<T>(), dout2.download());
}

template <typename T>
void check_l2norm(int64_t rows, int64_t cols) {
  const std::string tag = dims(rows, cols) + " " + type_name<T>();
  auto x = normal<T>(rows * cols);
  for (int64_t c = 0; c < cols; ++c) x[size_t(c)] = T(1e-9);  // row 0 below eps: the clamped branch
  Device<T> dx(x), dy(rows * cols), dn(rows);
  wpc_l2norm_forward(dtype_of<T>(), rows, cols, dx.ptr, dy.ptr, dn.ptr, 1e-6, stream());
  auto y = poisoned<T>(rows * cols), nrm = poisoned<T>(rows);
  wp_l2norm_forward(dtype_of<T>(), rows, cols, x.data(), y.data(), nrm.data(), 1e-6);
  expect_close("l2norm_forward y " + tag, dy.download(), y, tolerance<T>());
  expect_close("l2norm_forward norms " + tag, dn.download(), nrm, tolerance<T>());
  auto gy = normal<T>(rows * cols);
  Device<T> dyc(y), dnc(nrm), dgy(gy), dgx(rows * cols);
  wpc_l2norm_backward(dtype_of<T>(), rows, cols, dyc.ptr, dnc.ptr, dgy.ptr, dgx.ptr, 1e-6, stream());
  auto gx = poisoned<T>(rows * cols);
  wp_l2norm_backward(dtype_of<T>(), rows, cols, y.data(), nrm.data(), gy.data(), gx.data(), 1e-6);
  expect_close("l2norm_backward " + tag, dgx.download(), gx, tolerance<T>());
  wpc_l2norm_backward(dtype_of<T>(), rows, cols, dyc.ptr, dnc.ptr, dgy.ptr, dgy.ptr, 1e-6, stream());  // in place
  expect_close("l2norm_backward in-place " + tag, dgy.download(), gx, tolerance<T>());
}

template <typename T>
void check_dropout(int64_t n, double p, int64_t seed) {
  const std::string tag = "n=" + std::to_string(n) + " p=" + std::to_string(p) + " " + type_name<T>();
  auto x = normal<T>(n);
  Device<T> dx(x), dy(n), dm(n);
  wpc_dropout_forward(dtype_of<T>(), n, dx.ptr, dy.ptr, dm.ptr, p, seed, stream());
  auto y = poisoned<T>(n), m = poisoned<T>(n);
  wp_dropout_forward(dtype_of<T>(), n, x.data(), y.data(), m.data(), p, seed);
  expect_equal("dropout mask (same hash as the CPU) " + tag, dm.download(), m);
  expect_equal("dropout y " + tag, dy.download(), y);
}

template <typename T>
void check_patchify(int64_t b, int64_t c, int64_t h, int64_t w, int64_t p) {
  const std::string tag = std::to_string(b) + "x" + std::to_string(c) + "x" + std::to_string(h) + "x" +
                          std::to_string(w) + "/" + std::to_string(p) + " " + type_name<T>();
  const int64_t n = b * c * h * w;
  auto img = normal<T>(n);
  Device<T> di(img), dp(n), dback(n);
  wpc_patchify(dtype_of<T>(), b, c, h, w, p, di.ptr, dp.ptr, stream());
  auto patches = poisoned<T>(n);
  wp_patchify(dtype_of<T>(), b, c, h, w, p, img.data(), patches.data());
  expect_equal("patchify " + tag, dp.download(), patches);
  wpc_unpatchify(dtype_of<T>(), b, c, h, w, p, dp.ptr, dback.ptr, stream());
  auto back = poisoned<T>(n);
  wp_unpatchify(dtype_of<T>(), b, c, h, w, p, patches.data(), back.data());
  expect_equal("unpatchify " + tag, dback.download(), back);
}

template <typename T>
void adamw_all() {
  const int64_t n = big(5000011, 3001);
  auto param = normal<T>(n), m = std::vector<T>(size_t(n), T(0)), v = m;
  Device<T> dp(param), dm(m), dv(v), dg(n);
  for (int64_t step = 1; step <= 3; ++step) {
    auto grad = normal<T>(n);
    dg.upload(grad);
    wpc_adamw_step(dtype_of<T>(), n, dp.ptr, dg.ptr, dm.ptr, dv.ptr, 1e-3, 0.9, 0.999, 1e-8, 0.01, step, stream());
    wp_adamw_step(dtype_of<T>(), n, param.data(), grad.data(), m.data(), v.data(), 1e-3, 0.9, 0.999, 1e-8, 0.01, step);
  }
  expect_close(std::string("adamw param after 3 steps ") + type_name<T>(), dp.download(), param, tolerance<T>());
  expect_close(std::string("adamw m ") + type_name<T>(), dm.download(), m, tolerance<T>());
  expect_close(std::string("adamw v ") + type_name<T>(), dv.download(), v, tolerance<T>());
}

}  // namespace

WPT_CASE("nn/layernorm") {
  layernorm_all<float>();
  layernorm_all<double>();
}

WPT_CASE("nn/cross_entropy") {
  cross_entropy_all<float>();
  cross_entropy_all<double>();
}

WPT_CASE("nn/embedding") {
  embedding_all<float>();
  embedding_all<double>();
}

WPT_CASE("nn/l2norm") {
  for (auto rc : {std::pair<int64_t, int64_t>{37, 256}, {5, 2049}, {big(65536, 300), 512}}) {
    check_l2norm<float>(rc.first, rc.second);
    check_l2norm<double>(rc.first, rc.second);
  }
}

WPT_CASE("nn/dropout") {
  for (double p : {0.0, 0.1, 0.5, 1.0}) {
    check_dropout<float>(big(10000019, 4099), p, 1234567);
    check_dropout<double>(1001, p, -42);
  }
}

WPT_CASE("nn/patchify") {
  check_patchify<float>(2, 3, 12, 8, 4);
  check_patchify<double>(1, 1, 5, 5, 1);
  check_patchify<float>(big(64, 2), 3, big(384, 32), big(128, 16), 16);
}

WPT_CASE("optim/adamw") {
  adamw_all<float>();
  adamw_all<double>();
}
