// The method's kernels (similarity, uncertainty, uITC contrastive loss, mining) against their
// CPU twins.
#include <algorithm>
#include <cstdio>
#include <limits>
#include "test_util.h"
#include "wpc/contrastive.h"
#include "wpc/mining.h"
#include "wpc/similarity.h"
#include "wpc/uncertainty.h"

// The CPU twins are required: a missing header fails the build (no silent skip).
#include "wp/contrastive.h"
#include "wp/mining.h"
#include "wp/similarity.h"
#include "wp/uncertainty.h"

using namespace wpt;

namespace {

std::vector<int64_t> labels_of(int64_t n, int64_t identities) {
  std::vector<int64_t> l(static_cast<size_t>(n));
  std::uniform_int_distribution<int64_t> d(0, identities - 1);
  for (auto& x : l) x = d(rng()) * 7 + 3;  // arbitrary label values
  return l;
}

std::string tag3(int64_t a, int64_t b, int64_t c, const char* t) {
  return std::to_string(a) + "x" + std::to_string(b) + "x" + std::to_string(c) + " " + t;
}

template <typename T>
void check_similarity(int64_t nr, int64_t nc, int64_t dim) {
  const std::string tag = tag3(nr, nc, dim, type_name<T>());
  const double tau = 0.07;
  auto F = normal<T>(nr * dim), G = normal<T>(nc * dim);
  for (int64_t k = 0; k < dim; ++k) F[size_t(k)] = T(0);  // a zero row: the 1e-12 floor
  Device<T> dF(F), dG(G), df(nr * dim), dg(nc * dim), dnr(nr), dnc(nc), dS(nr * nc);
  wpc_similarity_forward(dtype_of<T>(), nr, nc, dim, dF.ptr, dG.ptr, tau, df.ptr, dg.ptr, dnr.ptr, dnc.ptr, dS.ptr,
                         stream());
  auto f = poisoned<T>(nr * dim), g = poisoned<T>(nc * dim), n1 = poisoned<T>(nr), n2 = poisoned<T>(nc),
       S = poisoned<T>(nr * nc);
  wp_similarity_forward(dtype_of<T>(), nr, nc, dim, F.data(), G.data(), tau, f.data(), g.data(), n1.data(), n2.data(),
                        S.data());
  expect_close("similarity_forward logits " + tag, dS.download(), S, tolerance<T>());
  expect_close("similarity_forward unit_rows " + tag, df.download(), f, tolerance<T>());
  expect_close("similarity_forward norm_cols " + tag, dnc.download(), n2, tolerance<T>());

  auto gS = normal<T>(nr * nc);
  Device<T> cf(f), cg(g), cn1(n1), cn2(n2), cS(S), dgS(gS), gr(nr * dim), gc(nc * dim), gt(1);
  Device<char> ws(wpc_similarity_dtau_workspace_bytes(nr * nc));
  wpc_similarity_backward(dtype_of<T>(), nr, nc, dim, cf.ptr, cg.ptr, cn1.ptr, cn2.ptr, tau, cS.ptr, dgS.ptr, gr.ptr,
                          gc.ptr, gt.ptr, ws.ptr, stream());
  auto hgr = poisoned<T>(nr * dim), hgc = poisoned<T>(nc * dim), hgt = poisoned<T>(1);
  wp_similarity_backward(dtype_of<T>(), nr, nc, dim, f.data(), g.data(), n1.data(), n2.data(), tau, S.data(),
                         gS.data(), hgr.data(), hgc.data(), hgt.data());
  expect_close("similarity_backward grad_rows " + tag, gr.download(), hgr, tolerance<T>());
  expect_close("similarity_backward grad_cols " + tag, gc.download(), hgc, tolerance<T>());
  expect_close("similarity_backward grad_tau " + tag, gt.download(), hgt, tolerance<T>());
}

template <typename T>
void check_uncertainty(int64_t nr, int64_t nc, bool strict) {
  const std::string tag = std::to_string(nr) + "x" + std::to_string(nc) + (strict ? " strict " : " ") + type_name<T>();
  auto S = normal<T>(nr * nc, 5.0);
  auto rl = labels_of(nr, 9), cl = labels_of(nc, 9);
  Device<T> dS(S), ci(nr * nc), ct(nr * nc);
  Device<int64_t> drl(rl), dcl(cl);
  wpc_uncertainty_confidence(dtype_of<T>(), nr, nc, dS.ptr, strict ? nullptr : drl.ptr, strict ? nullptr : dcl.ptr,
                             ci.ptr, ct.ptr, stream());
  auto hi = poisoned<T>(nr * nc), ht = poisoned<T>(nr * nc);
  wp_uncertainty_confidence(dtype_of<T>(), nr, nc, S.data(), strict ? nullptr : rl.data(), strict ? nullptr : cl.data(),
                            hi.data(), ht.data());
  expect_close("uncertainty c_i2t " + tag, ci.download(), hi, tolerance<T>());
  expect_close("uncertainty c_t2i " + tag, ct.download(), ht, tolerance<T>());
}

template <typename T>
void check_contrastive(int64_t nr, int64_t nc, int64_t dim, double alpha, bool strict, bool external) {
  const std::string tag = tag3(nr, nc, dim, type_name<T>()) + " alpha=" + std::to_string(alpha).substr(0, 4) +
                          (strict ? " strict" : "") + (external ? " external-c" : "");
  const double tau = 0.05;
  auto F = normal<T>(nr * dim), G = normal<T>(nc * dim);
  auto rl = labels_of(nr, 6), cl = labels_of(nc, 8);  // some columns' identities are not among the rows
  auto S = normal<T>(nr * nc, 4.0);
  auto ci = uniform<T>(nr * nc, 0, 1), ct = uniform<T>(nr * nc, 0, 1);
  const int64_t* hrl = strict ? nullptr : rl.data();
  const int64_t* hcl = strict ? nullptr : cl.data();
  Device<T> dS(S), dci(ci), dct(ct), dl(3), dg(nr * nc);
  Device<int64_t> drl(rl), dcl(cl);
  const int64_t* grl = strict ? nullptr : drl.ptr;
  const int64_t* gcl = strict ? nullptr : dcl.ptr;
  Device<char> ws(wpc_contrastive_logits_workspace_bytes(dtype_of<T>(), nr, nc));
  wpc_contrastive_logits(dtype_of<T>(), nr, nc, dS.ptr, grl, gcl, alpha, external ? dci.ptr : nullptr,
                         external ? dct.ptr : nullptr, dl.ptr, dg.ptr, ws.ptr, stream());
  auto hl = poisoned<T>(3), hg = poisoned<T>(nr * nc);
  wp_contrastive_logits(dtype_of<T>(), nr, nc, S.data(), hrl, hcl, alpha, external ? ci.data() : nullptr,
                        external ? ct.data() : nullptr, hl.data(), hg.data());
  expect_close("contrastive_logits losses " + tag, dl.download(), hl, tolerance<T>());
  expect_close("contrastive_logits dS " + tag, dg.download(), hg, tolerance<T>());
  // in place: the gradient over the logits
  wpc_contrastive_logits(dtype_of<T>(), nr, nc, dS.ptr, grl, gcl, alpha, external ? dci.ptr : nullptr,
                         external ? dct.ptr : nullptr, dl.ptr, dS.ptr, ws.ptr, stream());
  expect_close("contrastive_logits dS in-place " + tag, dS.download(), hg, tolerance<T>());

  // fused from the features: materialised, and tiled with the automatic block, blocks that do
  // not divide the rows (a last block of one or two rows) and one row per block
  Device<T> dF(F), dG(G);
  const int64_t blocks[][2] = {{1, 0}, {0, 0}, {0, 5}, {0, nr - 1}, {0, 1}};
  for (const auto& kb : blocks) {
    const int32_t keep = int32_t(kb[0]);
    const int64_t br = kb[1];
    const std::string form = keep ? " materialised" : " tiled block " + std::to_string(br);
    Device<T> fl(3), fgr(nr * dim), fgc(nc * dim), fgt(1);
    Device<char> fws(wpc_contrastive_fused_workspace_bytes(dtype_of<T>(), nr, nc, dim, keep, br));
    wpc_contrastive_fused(dtype_of<T>(), nr, nc, dim, dF.ptr, dG.ptr, tau, grl, gcl, alpha,
                          external ? dci.ptr : nullptr, external ? dct.ptr : nullptr, keep, br, fl.ptr, fgr.ptr,
                          fgc.ptr, fgt.ptr, fws.ptr, stream());
    auto hfl = poisoned<T>(3), hgr = poisoned<T>(nr * dim), hgc = poisoned<T>(nc * dim), hgt = poisoned<T>(1);
    wp_contrastive_fused(dtype_of<T>(), nr, nc, dim, F.data(), G.data(), tau, hrl, hcl, alpha,
                         external ? ci.data() : nullptr, external ? ct.data() : nullptr, keep, br, hfl.data(),
                         hgr.data(), hgc.data(), hgt.data());
    expect_close("contrastive_fused losses " + tag + form, fl.download(), hfl, tolerance<T>());
    expect_close("contrastive_fused grad_rows " + tag + form, fgr.download(), hgr, tolerance<T>() * 10);
    expect_close("contrastive_fused grad_cols " + tag + form, fgc.download(), hgc, tolerance<T>() * 10);
    expect_close("contrastive_fused grad_tau " + tag + form, fgt.download(), hgt, tolerance<T>() * 10);
    if (keep) continue;
    // the loss alone: the second pass is skipped, the gradients untouched
    Device<T> ol(3);
    wpc_contrastive_fused(dtype_of<T>(), nr, nc, dim, dF.ptr, dG.ptr, tau, grl, gcl, alpha,
                          external ? dci.ptr : nullptr, external ? dct.ptr : nullptr, keep, br, ol.ptr, nullptr,
                          nullptr, nullptr, fws.ptr, stream());
    expect_close("contrastive_fused loss only " + tag + form, ol.download(), hfl, tolerance<T>());
  }
}

// nan_every > 0 puts NaN at every nan_every-th logit: the Java layer rejects such logits, but the
// kernels must still agree on them (NaN ordered lowest, wp/twin/mining_rule.h), never be undefined.
// The mining kernels on device logits, outputs compared with the CPU twin's (ht, hi, hw).
template <typename T>
void expect_mining(const std::string& tag, int64_t n, const Device<T>& dS, const Device<int64_t>& dl, int32_t mode,
                   const std::vector<int32_t>& ht, const std::vector<int32_t>& hi, const std::vector<int32_t>& hw) {
  const int64_t hb = wpc_mining_hard_negatives_workspace_bytes(dtype_of<T>(), n);
  const int64_t wb = wpc_mining_weak_positives_workspace_bytes(dtype_of<T>(), n);
  const std::string where = hb > 0 ? " (global lists)" : " (shared lists)";
  Device<int32_t> nt(n), ni(n), wp(n);
  Device<char> hws(hb), wws(wb);
  wpc_mining_hard_negatives(dtype_of<T>(), n, dS.ptr, dl.ptr, mode, 12345, nt.ptr, ni.ptr, hb > 0 ? hws.ptr : nullptr,
                            hb, stream());
  wpc_mining_weak_positives(dtype_of<T>(), n, dS.ptr, dl.ptr, mode, 12345, wp.ptr, wb > 0 ? wws.ptr : nullptr, wb,
                            stream());
  expect_equal("mining hard negatives (texts) " + tag + where, nt.download(), ht);
  expect_equal("mining hard negatives (images) " + tag + where, ni.download(), hi);
  expect_equal("mining weak positives " + tag + where, wp.download(), hw);
}

template <typename T>
void check_mining(int64_t n, int64_t identities, int32_t mode, int64_t nan_every = 0) {
  const std::string tag = "n=" + std::to_string(n) + " ids=" + std::to_string(identities) +
                          (mode == WP_MINING_SAMPLE ? " sample " : " topk ") + type_name<T>() +
                          (nan_every > 0 ? " with NaN logits" : "");
  auto S = normal<T>(n * n);
  if (nan_every > 0)
    for (int64_t i = 0; i < n * n; i += nan_every) S[size_t(i)] = std::numeric_limits<T>::quiet_NaN();
  auto l = labels_of(n, identities);
  std::vector<int32_t> ht(static_cast<size_t>(n), -7), hi(static_cast<size_t>(n), -7), hw(static_cast<size_t>(n), -7);
  wp_mining_hard_negatives(dtype_of<T>(), n, S.data(), l.data(), mode, 12345, ht.data(), hi.data());
  wp_mining_weak_positives(dtype_of<T>(), n, S.data(), l.data(), mode, 12345, hw.data());
  Device<T> dS(S);
  Device<int64_t> dl(l);
  for_each_arch([&](const std::string& arch) { expect_mining<T>(tag + arch, n, dS, dl, mode, ht, hi, hw); });
}

// Above n = 8192 the old kernels refused; 21 n bytes of lists exceed sm_80's 163 KiB from
// n = 7,949 and sm_90's 227 KiB from n = 11,069: these sizes take global lists on sm_80 and
// shared ones on sm_90 (above 11,069 both take global lists, the sm_80 path here). Few
// identities: the ranking is O(n^2) per group, slow on the emulator.
void check_mining_large() {
  check_mining<float>(9000, 5, WP_MINING_TOPK);
  check_mining<float>(8300, 4, WP_MINING_SAMPLE);
}

// Without its workspace, a launch that needs global lists is refused with the size it needs.
void check_mining_workspace_refused() {
  bool refused = false;
  for_each_arch([&](const std::string& arch) {
    const int64_t n = 12000;
    if (wpc_mining_hard_negatives_workspace_bytes(WP_F32, n) <= 0) return;  // cannot happen below 227 KiB
    try {
      wpc_mining_hard_negatives(WP_F32, n, nullptr, nullptr, WP_MINING_TOPK, 0, nullptr, nullptr, nullptr, 0, stream());
    } catch (const std::invalid_argument& e) {
      refused = std::string(e.what()).find("workspace") != std::string::npos;
    }
  });
  expect_equal("mining without its workspace is refused", std::vector<int>{refused ? 1 : 0}, std::vector<int>{1});
}

// The lists stay in shared memory only while they fit beside the kernels' static shared
// variables (two ints: dynamic + static <= the opt-in limit, or the GPU refuses the launch). The
// largest n placed in shared memory must leave that room, on both emulated architectures.
void check_mining_static_shared() {
#if defined(WPC_TEST_EMULATED)
  for_each_arch([&](const std::string& arch) {
    const int64_t limit = emu::shared_optin_limit();
    const int64_t statics = std::max<int64_t>(2 * sizeof(int), int64_t(emu::static_shared_bytes()));
    for (int hard = 0; hard < 2; ++hard) {
      const int64_t per = hard ? 21 : 4;  // list bytes per item
      auto shared = [&](int64_t n) {
        return (hard ? wpc_mining_hard_negatives_workspace_bytes(WP_F32, n)
                     : wpc_mining_weak_positives_workspace_bytes(WP_F32, n)) == 0;
      };
      int64_t lo = 1, hi = limit;  // shared(lo), !shared(hi)
      while (hi - lo > 1) {
        const int64_t mid = (lo + hi) / 2;
        (shared(mid) ? lo : hi) = mid;
      }
      const std::string what = std::string("mining ") + (hard ? "hard negatives" : "weak positives") +
                               ": the largest n with shared lists leaves room for the static shared memory" + arch;
      expect_equal(what, std::vector<int>{per * lo + statics <= limit ? 1 : 0}, std::vector<int>{1});
      std::printf("     (%s: n = %lld, %lld + %lld static bytes of %lld)\n", what.c_str(), (long long)lo,
                  (long long)(per * lo), (long long)statics, (long long)limit);
    }
  });
#endif
}

// Weak positives where the CPU's rounded confidences tie although the logits differ. Even
// rows: the other members lie more than 88 below the row's own logit and descend with the
// index, so in F32 every c flushes to 0 and the CPU takes the first member, not the lowest
// logit (the last). Odd rows: members alternate between two logits an ulp apart.
// F32: both devices must pick the same text (c through the shared polynomial exp,
// wp/twin/fast_exp_rule.h: bit-identical; only lse's double log comes from each device's libm).
// F64: c comes from each device's own exp and log, and libdevice may differ from glibc in the
// last bit: an ulp tie (odd rows) may then go either way, so there the check is only that the
// pick is one of the tied members; even rows (c far apart in F64) must be equal. On the
// emulator both sides use glibc, so the odd rows also agree exactly, by construction: it
// cannot show the libdevice difference (cuda/README.md), only a GPU run can.
template <typename T>
void check_weak_positive_ties() {
  const int64_t n = 24, groups = 4;
  std::vector<int64_t> l(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) l[size_t(i)] = i % groups;
  auto S = normal<T>(n * n);
  for (int64_t i = 0; i < n; ++i) {
    T* row = S.data() + i * n;
    int64_t t = 0;
    for (int64_t j = i % groups; j < n; j += groups, ++t) {
      if (j == i) row[j] = T(2);
      else if (i % 2 == 0) row[j] = T(-100 - 10 * double(t));
      else row[j] = t % 2 == 0 ? T(1.5) : std::nextafter(T(1.5), T(3));
    }
  }
  Device<T> dS(S);
  Device<int64_t> dl(l);
  Device<int32_t> wp(n);
  wpc_mining_weak_positives(dtype_of<T>(), n, dS.ptr, dl.ptr, WP_MINING_TOPK, 0, wp.ptr, nullptr, 0, stream());
  std::vector<int32_t> hw(static_cast<size_t>(n), -7);
  wp_mining_weak_positives(dtype_of<T>(), n, S.data(), l.data(), WP_MINING_TOPK, 0, hw.data());
  const std::vector<int32_t> got = wp.download();
  const std::string what = std::string("mining weak positives with rounding ties ") + type_name<T>();
  if (sizeof(T) == 4) {
    expect_equal(what, got, hw);
    return;
  }
  std::vector<int32_t> even_got, even_cpu, odd_admissible;
  for (int64_t i = 0; i < n; ++i) {
    if (i % 2 == 0) {
      even_got.push_back(got[size_t(i)]);
      even_cpu.push_back(hw[size_t(i)]);
    } else {  // any other member of i's group: all of them sit on the ulp tie
      const int32_t j = got[size_t(i)];
      odd_admissible.push_back(j >= 0 && j < n && j != i && l[size_t(j)] == l[size_t(i)] ? 1 : 0);
    }
  }
  expect_equal(what + " (distinct c: equal picks)", even_got, even_cpu);
  expect_equal(what + (kEmulated ? " (ulp ties: a tied member; emulator: glibc on both sides, libdevice untested)"
                                 : " (ulp ties: a tied member; libdevice may pick another than glibc)"),
               odd_admissible, std::vector<int32_t>(odd_admissible.size(), 1));
}

}  // namespace

WPT_CASE("method/similarity") {
  check_similarity<float>(33, 47, 24);
  check_similarity<double>(8, 8, 5);
  check_similarity<float>(big(512, 40), big(4096, 70), big(256, 32));
}

WPT_CASE("method/uncertainty") {
  for (bool strict : {false, true}) {
    check_uncertainty<float>(37, 29, strict);
    check_uncertainty<double>(5, 1500, strict);
    check_uncertainty<float>(big(512, 33), big(4096, 80), strict);
  }
}

WPT_CASE("method/contrastive") {
  for (double alpha : {0.0, 0.4, 1.0}) {
    check_contrastive<float>(24, 24, 16, alpha, false, false);
    check_contrastive<double>(13, 31, 9, alpha, false, false);
  }
  check_contrastive<float>(24, 24, 16, 0.4, true, false);   // itc-strict
  check_contrastive<double>(19, 23, 7, 0.3, false, true);   // frozen external confidences
  check_contrastive<float>(big(256, 24), big(4096, 60), big(256, 16), 0.4, false, false);
}

WPT_CASE("method/mining") {
  for (int32_t mode : {WP_MINING_TOPK, WP_MINING_SAMPLE}) {
    check_mining<float>(48, 12, mode);
    check_mining<double>(17, 17, mode);  // mostly singletons
    check_mining<float>(9, 1, mode);     // one identity: empty pools
    check_mining<float>(big(512, 64), big(128, 16), mode);
    check_mining<float>(40, 8, mode, 3);
    check_mining<double>(33, 11, mode, 7);
  }
  check_weak_positive_ties<float>();
  check_weak_positive_ties<double>();
  check_mining_workspace_refused();
  check_mining_static_shared();
}

WPT_CASE("method/mining-large") { check_mining_large(); }

