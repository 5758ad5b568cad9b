/* Host-side dtype dispatch shared by the CPU kernels (native/src) and the CUDA kernels
 * (cuda/src): one switch from a dtype code to a C++ type, one error for a bad code. C++ only. */
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include "wp/common.h"

namespace wp {

[[noreturn]] inline void fail(const std::string& what) { throw std::invalid_argument(what); }

// A dtype code as the Java side names it, for error messages.
inline std::string dtype_name(int32_t dtype) {
  switch (dtype) {
    case WP_F32: return "F32";
    case WP_F64: return "F64";
    case WP_I32: return "I32";
    case WP_I64: return "I64";
    case WP_BF16: return "BF16";
    default: return "code " + std::to_string(dtype);
  }
}

// Calls f(T{}) with T the C++ type of a floating-point dtype code.
template <typename F>
inline void dispatch_float(int32_t dtype, const char* op, F&& f) {
  switch (dtype) {
    case WP_F32: f(float{}); break;
    case WP_F64: f(double{}); break;
    default: fail(std::string(op) + ": unsupported dtype " + dtype_name(dtype) + " (expected F32 or F64)");
  }
}

// Same for any dtype with arithmetic, integer ones included (not the storage type BF16).
template <typename F>
inline void dispatch_any(int32_t dtype, const char* op, F&& f) {
  switch (dtype) {
    case WP_F32: f(float{}); break;
    case WP_F64: f(double{}); break;
    case WP_I32: f(int32_t{}); break;
    case WP_I64: f(int64_t{}); break;
    default: fail(std::string(op) + ": unsupported dtype " + dtype_name(dtype) + " (expected F32, F64, I32 or I64)");
  }
}

inline int64_t dtype_size(int32_t dtype) {
  switch (dtype) {
    case WP_F32: case WP_I32: return 4;
    case WP_F64: case WP_I64: return 8;
    case WP_BF16: return 2;
    default: fail("unknown dtype code " + std::to_string(dtype));
  }
}

}  // namespace wp
