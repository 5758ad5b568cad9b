// elementwise: broadcasting binary ops, unary ops and their derivatives, sums.
#include "test_util.h"
#include "wp/elementwise.h"
#include "wpc/elementwise.h"

using namespace wpt;

namespace {

template <typename T>
void check_binary(int32_t op, const std::string& what, const std::vector<int64_t>& shape,
                  const std::vector<int64_t>& as, const std::vector<int64_t>& bs) {
  std::vector<int64_t> os(shape.size());
  int64_t acc = 1, na = 1, nb = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    os[d] = acc;
    acc *= shape[d];
    na += (shape[d] - 1) * as[d];
    nb += (shape[d] - 1) * bs[d];
  }
  auto a = normal<T>(na);
  auto b = op == WP_DIV ? uniform<T>(nb, 0.5, 2.0) : normal<T>(nb);
  Device<T> da(a), db(b), dout(acc);
  wpc_binary(op, dtype_of<T>(), int32_t(shape.size()), shape.data(), da.ptr, as.data(), db.ptr, bs.data(), dout.ptr,
             os.data(), stream());
  auto cpu = poisoned<T>(acc);
  wp_binary(op, dtype_of<T>(), int32_t(shape.size()), shape.data(), a.data(), as.data(), b.data(), bs.data(),
            cpu.data(), os.data());
  expect_close("binary op" + std::to_string(op) + " " + what + " " + type_name<T>(), dout.download(), cpu,
               tolerance<T>());
}

template <typename T>
void binary_all() {
  const int64_t r = big(4099, 37), c = big(1031, 29);
  for (int32_t op : {WP_ADD, WP_SUB, WP_MUL, WP_DIV}) {
    check_binary<T>(op, "same", {r, c}, {c, 1}, {c, 1});
    check_binary<T>(op, "bias", {r, c}, {c, 1}, {0, 1});
    check_binary<T>(op, "scalar", {r, c}, {c, 1}, {0, 0});
    check_binary<T>(op, "column", {r, c}, {0, 1}, {1, 0});
    check_binary<T>(op, "transposed", {r, c}, {1, r}, {c, 1});
    check_binary<T>(op, "3d", {3, 7, 11}, {77, 1, 7}, {0, 11, 1});
  }
}

template <typename T>
std::vector<T> unary_input(int32_t op, int64_t n) {
  return op == WP_LOG || op == WP_SQRT ? uniform<T>(n, 0.1, 4.0) : normal<T>(n, 1.5);
}

template <typename T>
void unary_all() {
  const int64_t n = big(3000017, 1029);
  for (int32_t op = WP_AFFINE; op <= WP_RELU; ++op) {
    auto x = unary_input<T>(op, n);
    Device<T> dx(x), dy(n);
    wpc_unary(op, dtype_of<T>(), n, dx.ptr, dy.ptr, -1.7, 0.3, stream());
    auto cpu = poisoned<T>(n);
    wp_unary(op, dtype_of<T>(), n, x.data(), cpu.data(), -1.7, 0.3);
    expect_close("unary op" + std::to_string(op) + " " + type_name<T>(), dy.download(), cpu, tolerance<T>());

    // backward from the CPU forward output, so both sides see the same x and y
    auto gy = normal<T>(n);
    Device<T> dyy(cpu), dgy(gy), dgx(n);
    wpc_unary_backward(op, dtype_of<T>(), n, dx.ptr, dyy.ptr, dgy.ptr, dgx.ptr, -1.7, stream());
    auto cgx = poisoned<T>(n);
    wp_unary_backward(op, dtype_of<T>(), n, x.data(), cpu.data(), gy.data(), cgx.data(), -1.7);
    expect_close("unary_backward op" + std::to_string(op) + " " + type_name<T>(), dgx.download(), cgx,
                 tolerance<T>());
  }
  // in place (y aliases x)
  auto x = normal<T>(n);
  Device<T> d(x);
  wpc_unary(WP_TANH, dtype_of<T>(), n, d.ptr, d.ptr, 0, 0, stream());
  auto cpu = x;
  wp_unary(WP_TANH, dtype_of<T>(), n, cpu.data(), cpu.data(), 0, 0);
  expect_close(std::string("unary in-place tanh ") + type_name<T>(), d.download(), cpu, tolerance<T>());
}

template <typename T>
void check_reduce(int64_t outer, int64_t axis, int64_t inner) {
  // Positive inputs: the sum has no cancellation, so both sides' rounding stays far below tol.
  auto x = uniform<T>(outer * axis * inner, 0.5, 1.5);
  Device<T> dx(x), dout(outer * inner);
  wpc_reduce_sum(dtype_of<T>(), outer, axis, inner, dx.ptr, dout.ptr, 0.5, stream());
  auto cpu = poisoned<T>(outer * inner);
  wp_reduce_sum(dtype_of<T>(), outer, axis, inner, x.data(), cpu.data(), 0.5);
  expect_close("reduce_sum [" + std::to_string(outer) + "," + std::to_string(axis) + "," + std::to_string(inner) + "] " +
                   type_name<T>(),
               dout.download(), cpu, tolerance<T>());
}

template <typename T>
void reduce_all() {
  check_reduce<T>(big(100003, 1003), 7, 1);        // many short rows: a warp per row
  check_reduce<T>(big(20011, 301), 1000, 1);       // many rows
  check_reduce<T>(3, big(1000003, 9001), 1);       // few long rows: split across blocks
  check_reduce<T>(1, big(16411, 300), 769);        // bias gradient: columns split along the axis
  check_reduce<T>(big(1000, 37), 7, 33);           // many columns
  check_reduce<T>(5, 1, 3);
  check_reduce<T>(4, 0, 3);                        // empty axis: zeros
}

template <typename T>
void sum_squares_all() {
  for (int64_t n : {int64_t(1), int64_t(1000), big(20000003, 5003)}) {
    auto x = normal<T>(n);
    Device<T> dx(x);
    Device<double> out(1);
    wpc_sum_squares(dtype_of<T>(), n, dx.ptr, out.ptr, 0, stream());
    const double cpu = wp_sum_squares(dtype_of<T>(), n, x.data());
    expect_close("sum_squares n=" + std::to_string(n) + " " + type_name<T>(), out.download(), std::vector<double>{cpu},
                 1e-12);
    wpc_sum_squares(dtype_of<T>(), n, dx.ptr, out.ptr, 1, stream());  // accumulate: twice the sum
    expect_close("sum_squares accumulate n=" + std::to_string(n) + " " + type_name<T>(), out.download(),
                 std::vector<double>{2 * cpu}, 1e-12);
  }
}

}  // namespace

WPT_CASE("elementwise/binary") {
  binary_all<float>();
  binary_all<double>();
  check_binary<int32_t>(WP_ADD, "int bias", {5, 7}, {7, 1}, {0, 1});
}

WPT_CASE("elementwise/unary") {
  unary_all<float>();
  unary_all<double>();
}

WPT_CASE("elementwise/reduce_sum") {
  reduce_all<float>();
  reduce_all<double>();
}

WPT_CASE("elementwise/sum_squares") {
  sum_squares_all<float>();
  sum_squares_all<double>();
}
