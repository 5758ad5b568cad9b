// runtime: fill, strided copy, cast, non-finite check.
#include "test_util.h"
#include "wp/runtime.h"
#include "wpc/runtime.h"

using namespace wpt;

namespace {

template <typename T>
void check_fill(int64_t n, double value) {
  Device<T> d(n);
  wpc_fill(dtype_of<T>(), d.ptr, n, value, stream());
  auto cpu = poisoned<T>(n);
  wp_fill(dtype_of<T>(), cpu.data(), n, value);
  expect_equal(std::string("fill ") + std::to_string(dtype_of<T>()) + " n=" + std::to_string(n), d.download(), cpu);
}

// Elements a strided view spans (its largest offset + 1).
int64_t span(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides) {
  int64_t last = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] > 0) last += (shape[d] - 1) * strides[d];
  return last + 1;
}

std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size());
  int64_t acc = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

template <typename T>
void check_copy(const std::string& what, const std::vector<int64_t>& shape, const std::vector<int64_t>& src_strides) {
  const auto dst_strides = contiguous_strides(shape);
  const int64_t n_src = span(shape, src_strides), n_dst = span(shape, dst_strides);
  auto src = normal<T>(n_src);
  Device<T> dsrc(src), ddst(n_dst);
  wpc_copy_strided(dtype_of<T>(), int32_t(shape.size()), shape.data(), dsrc.ptr, src_strides.data(), ddst.ptr,
                   dst_strides.data(), stream());
  auto cpu = poisoned<T>(n_dst);
  wp_copy_strided(dtype_of<T>(), int32_t(shape.size()), shape.data(), src.data(), src_strides.data(), cpu.data(),
                  dst_strides.data());
  expect_equal("copy " + what + " " + type_name<T>(), ddst.download(), cpu);
}

template <typename S, typename D>
void check_cast(int64_t n) {
  std::vector<S> src(static_cast<size_t>(n));
  auto values = uniform<double>(n, -1000, 1000);
  for (int64_t i = 0; i < n; ++i) src[size_t(i)] = S(values[size_t(i)]);
  Device<S> ds(src);
  Device<D> dd(n);
  wpc_cast(dtype_of<S>(), ds.ptr, dtype_of<D>(), dd.ptr, n, stream());
  auto cpu = poisoned<D>(n);
  wp_cast(dtype_of<S>(), src.data(), dtype_of<D>(), cpu.data(), n);
  expect_equal("cast " + std::to_string(dtype_of<S>()) + "->" + std::to_string(dtype_of<D>()), dd.download(), cpu);
}

template <typename T>
void check_nonfinite(int64_t n, int64_t bad_at, double bad) {
  auto v = normal<T>(n);
  if (bad_at >= 0) v[size_t(bad_at)] = T(bad);
  Device<T> d(v);
  Device<int32_t> flag(1);
  wpc_has_nonfinite(dtype_of<T>(), d.ptr, n, flag.ptr, stream());
  const int32_t cpu = wp_has_nonfinite(dtype_of<T>(), v.data(), n);
  expect_equal(std::string("has_nonfinite ") + type_name<T>() + " n=" + std::to_string(n) + " at " +
                   std::to_string(bad_at),
               flag.download(), std::vector<int32_t>{cpu});
}

}  // namespace

WPT_CASE("runtime/fill") {
  for (int64_t n : {int64_t(1), int64_t(7), big(10000019, 1037)}) {
    check_fill<float>(n, -1.25);
    check_fill<double>(n, 3.5);
    check_fill<int32_t>(n, -7);
    check_fill<int64_t>(n, 1ll << 40);
  }
}

WPT_CASE("runtime/copy") {
  const int64_t r = big(1531, 37), c = big(2053, 53);
  check_copy<float>("contiguous", {r, c}, {c, 1});
  check_copy<float>("transpose", {c, r}, {1, c});
  check_copy<double>("transpose", {c, r}, {1, c});
  check_copy<float>("broadcast-row", {r, c}, {0, 1});
  check_copy<float>("broadcast-col", {r, c}, {1, 0});
  check_copy<float>("permute4d", {3, 5, 7, 11}, {1, 3 * 7 * 11, 3, 3 * 7});
  check_copy<int32_t>("slice", {r, c / 2}, {c, 2});
  check_copy<int64_t>("rank8", {2, 3, 2, 3, 2, 3, 2, 5}, {1, 2, 6, 12, 36, 72, 216, 432});
  check_copy<float>("scalar", {}, {});
}

WPT_CASE("runtime/cast") {
  const int64_t n = big(1000003, 517);
  check_cast<float, double>(n);
  check_cast<double, float>(n);
  check_cast<float, int32_t>(n);
  check_cast<int32_t, float>(n);
  check_cast<int64_t, double>(n);
  check_cast<double, int64_t>(n);
  check_cast<int32_t, int64_t>(n);
  check_cast<float, float>(n);
}

WPT_CASE("runtime/has_nonfinite") {
  const int64_t n = big(5000011, 2001);
  check_nonfinite<float>(n, -1, 0);
  check_nonfinite<float>(n, n - 1, NAN);
  check_nonfinite<double>(n, n / 2, INFINITY);
  check_nonfinite<double>(n, -1, 0);
  check_nonfinite<float>(1, 0, -INFINITY);
}
