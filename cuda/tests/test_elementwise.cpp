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

// The fused bias + GELU against its CPU twin, and the CPU twin against its definition (the
// unfused add then wp_unary / wp_unary_backward's GELU, column sums for the bias).
template <typename T>
void check_bias_gelu(int64_t rows, int64_t n) {
  const std::string what = std::to_string(rows) + "x" + std::to_string(n) + " " + type_name<T>();
  const int32_t dt = dtype_of<T>();
  auto x = normal<T>(rows * n, 1.5);
  auto bias = normal<T>(n);
  auto gy = normal<T>(rows * n);
  std::vector<T> sum(size_t(rows * n));
  for (int64_t i = 0; i < rows * n; ++i) sum[size_t(i)] = x[size_t(i)] + bias[size_t(i % n)];

  Device<T> dx(x), dbias(bias), dy(rows * n);
  wpc_bias_gelu(dt, rows, n, dx.ptr, dbias.ptr, dy.ptr, stream());
  auto y = poisoned<T>(rows * n);
  wp_bias_gelu(dt, rows, n, x.data(), bias.data(), y.data());
  expect_close("bias_gelu " + what, dy.download(), y, tolerance<T>());
  auto unfused = poisoned<T>(rows * n);
  wp_unary(WP_GELU, dt, rows * n, sum.data(), unfused.data(), 1, 0);
  expect_equal("bias_gelu = add then unary gelu (cpu) " + what, y, unfused);

  const int64_t ws_bytes = wpc_bias_gelu_backward_workspace_bytes(dt, rows, n);
  Device<T> dgy(gy), dgx(rows * n), ddb(n);
  Device<double> ws((ws_bytes + 7) / 8);
  wpc_bias_gelu_backward(dt, rows, n, dx.ptr, dbias.ptr, dgy.ptr, dgx.ptr, ddb.ptr, ws.ptr, ws_bytes, stream());
  auto gx = poisoned<T>(rows * n), gb = poisoned<T>(n);
  wp_bias_gelu_backward(dt, rows, n, x.data(), bias.data(), gy.data(), gx.data(), gb.data());
  expect_close("bias_gelu_backward dx " + what, dgx.download(), gx, tolerance<T>());
  expect_close("bias_gelu_backward dbias " + what, ddb.download(), gb, tolerance<T>());

  auto gx_unfused = poisoned<T>(rows * n);
  wp_unary_backward(WP_GELU, dt, rows * n, sum.data(), nullptr, gy.data(), gx_unfused.data(), 1);
  expect_close("bias_gelu_backward dx = unary gelu backward (cpu) " + what, gx, gx_unfused, tolerance<T>() * 0.1);
  std::vector<double> columns(size_t(n), 0.0);
  for (int64_t i = 0; i < rows * n; ++i) columns[size_t(i % n)] += double(gx[size_t(i)]);
  expect_close("bias_gelu_backward dbias = column sums (cpu) " + what, gb, columns, tolerance<T>());

  // In place, as the contract allows: y over x, dx over dy without a bias gradient.
  Device<T> inplace(x);
  wpc_bias_gelu(dt, rows, n, inplace.ptr, dbias.ptr, inplace.ptr, stream());
  expect_close("bias_gelu in place " + what, inplace.download(), y, tolerance<T>());
  Device<T> grad_inplace(gy);
  wpc_bias_gelu_backward(dt, rows, n, dx.ptr, dbias.ptr, grad_inplace.ptr, grad_inplace.ptr, nullptr, nullptr, 0,
                         stream());
  expect_close("bias_gelu_backward in place, no dbias " + what, grad_inplace.download(), gx, tolerance<T>());
}

template <typename T>
void bias_gelu_all() {
  check_bias_gelu<T>(37, 29);                   // odd sizes, a warp per row
  check_bias_gelu<T>(1, 1);
  check_bias_gelu<T>(5, 1031);                  // rows longer than a warp's: a block per row
  check_bias_gelu<T>(big(65600, 300), 512);     // the model's width; many row chunks (capped on a GPU)
  // No rows: the bias gradient is 0 on both sides.
  const int32_t dt = dtype_of<T>();
  Device<T> ddb(7);
  Device<double> ws(1);
  wpc_bias_gelu_backward(dt, 0, 7, nullptr, nullptr, nullptr, nullptr, ddb.ptr, ws.ptr, 8, stream());
  auto gb = poisoned<T>(7);
  wp_bias_gelu_backward(dt, 0, 7, nullptr, nullptr, nullptr, nullptr, gb.data());
  expect_close(std::string("bias_gelu_backward no rows ") + type_name<T>(), ddb.download(), gb, 0);
  expect_close(std::string("bias_gelu_backward no rows is zero ") + type_name<T>(), gb, std::vector<T>(7, T(0)), 0);
}

}  // namespace

WPT_CASE("elementwise/bias_gelu") {
  bias_gelu_all<float>();
  bias_gelu_all<double>();
}

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
