// Softmax / log-softmax and fused attention against their CPU twins.
#include <algorithm>
#include "test_util.h"
#include "wpc/attention.h"
#include "wpc/softmax.h"

// The CPU twins are required: a missing header fails the build (no silent skip).
#include "wp/attention.h"
#include "wp/softmax.h"

using namespace wpt;

namespace {

template <typename T>
void check_softmax(int64_t rows, int64_t cols, bool log) {
  const std::string tag = "[" + std::to_string(rows) + "," + std::to_string(cols) + "]" + (log ? " log" : "") + " " +
                          type_name<T>();
  auto x = normal<T>(rows * cols, 4.0);
  Device<T> dx(x), dy(rows * cols);
  wpc_softmax_forward(dtype_of<T>(), rows, cols, dx.ptr, dy.ptr, log, stream());
  auto y = poisoned<T>(rows * cols);
  wp_softmax_forward(dtype_of<T>(), rows, cols, x.data(), y.data(), log);
  expect_close("softmax_forward " + tag, dy.download(), y, tolerance<T>());
  auto gy = normal<T>(rows * cols);
  Device<T> dyc(y), dgy(gy), dgx(rows * cols);
  wpc_softmax_backward(dtype_of<T>(), rows, cols, dyc.ptr, dgy.ptr, dgx.ptr, log, stream());
  auto gx = poisoned<T>(rows * cols);
  wp_softmax_backward(dtype_of<T>(), rows, cols, y.data(), gy.data(), gx.data(), log);
  expect_close("softmax_backward " + tag, dgx.download(), gx, tolerance<T>());
  // in place: y over x, gx over gy
  wpc_softmax_forward(dtype_of<T>(), rows, cols, dx.ptr, dx.ptr, log, stream());
  expect_close("softmax_forward in-place " + tag, dx.download(), y, tolerance<T>());
  wpc_softmax_backward(dtype_of<T>(), rows, cols, dyc.ptr, dgy.ptr, dgy.ptr, log, stream());
  expect_close("softmax_backward in-place " + tag, dgy.download(), gx, tolerance<T>());
}

template <typename T>
void check_attention(int64_t B, int64_t H, int64_t lq, int64_t lk, int64_t dh, bool masked) {
  char tag[128];
  std::snprintf(tag, sizeof tag, "B%lld H%lld Lq%lld Lk%lld Dh%lld%s %s", (long long)B, (long long)H, (long long)lq,
                (long long)lk, (long long)dh, masked ? " masked" : "", type_name<T>());
  const int64_t nq = B * H * lq * dh, nk = B * H * lk * dh;
  auto q = normal<T>(nq), k = normal<T>(nk), v = normal<T>(nk);
  std::vector<int32_t> mask;
  if (masked) {
    mask = ints(B * lk, 0, 3);  // about a quarter masked
    for (auto& m : mask) m = m != 0;
    // At least two keys on in the first batch: with a single key the softmax is constant, so
    // gq and gk are exactly 0 and both devices return rounding noise whose relative error means
    // nothing (it failed or passed with the CPU's SIMD path: 0.7 on an AVX2-only machine).
    mask[0] = 1;
    if (lk > 1) mask[1] = 1;
    if (B > 1)
      for (int64_t j = 0; j < lk; ++j) mask[size_t((B - 1) * lk + j)] = 0;  // the last batch: every key masked
  }
  const double scale = 1.0 / std::sqrt(double(dh > 0 ? dh : 1));
  Device<T> dq(q), dk(k), dv(v), dout(nq), dlse(B * H * lq);
  Device<int32_t> dmask(masked ? mask : std::vector<int32_t>{0});
  const int32_t* mptr = masked ? dmask.ptr : nullptr;
  wpc_attention_forward(dtype_of<T>(), B, H, lq, lk, dh, dq.ptr, dk.ptr, dv.ptr, mptr, scale, dout.ptr, dlse.ptr,
                        stream());
  auto out = poisoned<T>(nq), lse = poisoned<T>(B * H * lq);
  wp_attention_forward(dtype_of<T>(), B, H, lq, lk, dh, q.data(), k.data(), v.data(), masked ? mask.data() : nullptr,
                       scale, out.data(), lse.data());
  expect_close(std::string("attention_forward out ") + tag, dout.download(), out, tolerance<T>());
  // A fully masked row's log-sum-exp is -inf on both devices (the last batch of the masked cases).
  expect_close(std::string("attention_forward lse ") + tag, dlse.download(), lse, tolerance<T>(),
               masked ? NonFinite::kMatchingInfinity : NonFinite::kNone);

  auto gout = normal<T>(nq);
  Device<T> dout_c(out), dlse_c(lse), dgout(gout), dgq(nq), dgk(nk), dgv(nk);
  wpc_attention_backward(dtype_of<T>(), B, H, lq, lk, dh, dq.ptr, dk.ptr, dv.ptr, mptr, scale, dout_c.ptr, dlse_c.ptr,
                         dgout.ptr, dgq.ptr, dgk.ptr, dgv.ptr, stream());
  auto gq = poisoned<T>(nq), gk = poisoned<T>(nk), gv = poisoned<T>(nk);
  wp_attention_backward(dtype_of<T>(), B, H, lq, lk, dh, q.data(), k.data(), v.data(), masked ? mask.data() : nullptr,
                        scale, out.data(), lse.data(), gout.data(), gq.data(), gk.data(), gv.data());
  expect_close(std::string("attention_backward gq ") + tag, dgq.download(), gq, tolerance<T>());
  expect_close(std::string("attention_backward gk ") + tag, dgk.download(), gk, tolerance<T>());
  expect_close(std::string("attention_backward gv ") + tag, dgv.download(), gv, tolerance<T>());
}

template <typename T>
void attention_all() {
  check_attention<T>(2, 3, 37, 45, 16, true);
  check_attention<T>(1, 2, 70, 33, 64, false);
  check_attention<T>(2, 1, 5, 2, 8, true);       // two keys, the second batch fully masked
  check_attention<T>(1, 1, 1, 40, 100, false);   // Dh not a multiple of 32
  check_attention<T>(2, 1, 9, 13, 256, true);    // the largest head (over 48 KiB of shared memory in F64)
  check_attention<T>(big(8, 1), big(12, 2), big(197, 20), big(197, 20), 64, false);  // ViT-B/16
  check_attention<T>(big(32, 1), big(12, 1), big(64, 9), big(577, 40), 64, true);    // cross-attention, Lq != Lk
}

}  // namespace

WPT_CASE("attention/softmax") {
  for (bool log : {false, true}) {
    check_softmax<float>(33, 10, log);
    check_softmax<double>(7, 3001, log);
    check_softmax<float>(big(100003, 300), 197, log);
    check_softmax<float>(big(2048, 9), big(30522, 2500), log);
  }
}

// More (batch, head) pairs than grid.y's 65,535 (evaluation's re-ranking fuses 4 x eval_batch
// pairs): they run on grid.x. The emulator cannot run 65,538 blocks of 256 fibers in a test's
// time, so it runs the blocks of a few pairs on both sides of the old limit (the rest are
// skipped, their outputs untouched) and those pairs are compared with the CPU twin. On a GPU
// every block runs and the pairs are compared the same way.
void check_attention_many_heads() {
  const int64_t B = 21846, H = 3, lq = 3, lk = 5, dh = 4, bh = B * H;  // 65,538 pairs
  const std::vector<int64_t> pairs = {0, 1, 65534, 65535, 65536, 65537};
  auto chosen = [&](int64_t p) { return std::find(pairs.begin(), pairs.end(), p) != pairs.end(); };
#if defined(WPC_TEST_EMULATED)
  emu::set_block_filter([&](unsigned x, unsigned, unsigned) { return chosen(int64_t(x)); });
#endif
  const int64_t nq = bh * lq * dh, nk = bh * lk * dh;
  auto q = normal<float>(nq), k = normal<float>(nk), v = normal<float>(nk), gout = normal<float>(nq);
  const double scale = 0.5;
  Device<float> dq(q), dk(k), dv(v), dout(nq), dlse(bh * lq), dgout(gout), dgq(nq), dgk(nk), dgv(nk);
  std::vector<float> out(nq), lse(bh * lq), gq(nq), gk(nk), gv(nk);
  std::vector<float> got_out, got_lse, got_gq, got_gk, got_gv;
  try {
    wpc_attention_forward(WP_F32, B, H, lq, lk, dh, dq.ptr, dk.ptr, dv.ptr, nullptr, scale, dout.ptr, dlse.ptr, stream());
    got_out = dout.download();
    got_lse = dlse.download();
    wp_attention_forward(WP_F32, B, H, lq, lk, dh, q.data(), k.data(), v.data(), nullptr, scale, out.data(), lse.data());
    Device<float> dout_c(out), dlse_c(lse);
    wpc_attention_backward(WP_F32, B, H, lq, lk, dh, dq.ptr, dk.ptr, dv.ptr, nullptr, scale, dout_c.ptr, dlse_c.ptr,
                           dgout.ptr, dgq.ptr, dgk.ptr, dgv.ptr, stream());
    got_gq = dgq.download();
    got_gk = dgk.download();
    got_gv = dgv.download();
  } catch (...) {
#if defined(WPC_TEST_EMULATED)
    emu::set_block_filter(nullptr);
#endif
    throw;
  }
#if defined(WPC_TEST_EMULATED)
  emu::set_block_filter(nullptr);
#endif
  wp_attention_backward(WP_F32, B, H, lq, lk, dh, q.data(), k.data(), v.data(), nullptr, scale, out.data(), lse.data(),
                        gout.data(), gq.data(), gk.data(), gv.data());
  // The chosen pairs' slices of every output ([B*H, L, ...] layouts).
  auto slices = [&](const std::vector<float>& x, int64_t per) {
    std::vector<float> s;
    for (int64_t p : pairs) s.insert(s.end(), x.begin() + p * per, x.begin() + (p + 1) * per);
    return s;
  };
  const std::string tag = " B21846 H3 (65,538 pairs on grid.x), pairs 0, 1, 65534..65537";
  expect_close("attention_forward out" + tag, slices(got_out, lq * dh), slices(out, lq * dh), tolerance<float>());
  expect_close("attention_forward lse" + tag, slices(got_lse, lq), slices(lse, lq), tolerance<float>());
  expect_close("attention_backward gq" + tag, slices(got_gq, lq * dh), slices(gq, lq * dh), tolerance<float>());
  expect_close("attention_backward gk" + tag, slices(got_gk, lk * dh), slices(gk, lk * dh), tolerance<float>());
  expect_close("attention_backward gv" + tag, slices(got_gv, lk * dh), slices(gv, lk * dh), tolerance<float>());
  (void)chosen;
}

WPT_CASE("attention/many-heads") { check_attention_many_heads(); }

WPT_CASE("attention/fused") {
  attention_all<float>();
  attention_all<double>();
}

