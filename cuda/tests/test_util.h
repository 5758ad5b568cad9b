// Helpers of the CUDA kernel test program: device buffers, random inputs, comparisons.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <stdexcept>
#include <random>
#include <string>
#include <vector>
#include "wpc/runtime.h"

namespace wpt {

#if defined(WPC_TEST_EMULATED)
constexpr bool kEmulated = true;
#else
constexpr bool kEmulated = false;
#endif

#if defined(WPC_TEST_EMULATED)
}  // namespace wpt
namespace emu {  // cuda/emu/cuda_emu.h: the emulated architecture and its shared-memory limits
int arch();
void set_arch(int sm);
int shared_optin_limit();
size_t static_shared_bytes();
void set_block_filter(std::function<bool(unsigned, unsigned, unsigned)> filter);
}  // namespace emu
namespace wpt {
#endif

// Runs f under each architecture the library is built for whose limits matter to the kernel:
// on the emulator sm_80 and sm_90 in turn (their shared-memory limits differ), on a GPU once.
template <typename F>
void for_each_arch(F&& f) {
#if defined(WPC_TEST_EMULATED)
  const int saved = emu::arch();
  for (int sm : {80, 90}) {
    emu::set_arch(sm);
    try {
      f(std::string(" sm_") + std::to_string(sm));
    } catch (...) {
      emu::set_arch(saved);
      throw;
    }
  }
  emu::set_arch(saved);
#else
  f(std::string());
#endif
}

template <typename T> constexpr int32_t dtype_of();
template <> constexpr int32_t dtype_of<float>() { return WP_F32; }
template <> constexpr int32_t dtype_of<double>() { return WP_F64; }
template <> constexpr int32_t dtype_of<int32_t>() { return WP_I32; }
template <> constexpr int32_t dtype_of<int64_t>() { return WP_I64; }

template <typename T> const char* type_name();
template <> inline const char* type_name<float>() { return "f32"; }
template <> inline const char* type_name<double>() { return "f64"; }
template <> inline const char* type_name<int32_t>() { return "i32"; }
template <> inline const char* type_name<int64_t>() { return "i64"; }

// Relative error accepted between the CUDA kernel and its CPU twin.
template <typename T> constexpr double tolerance();
template <> constexpr double tolerance<float>() { return 1e-5; }
template <> constexpr double tolerance<double>() { return 1e-12; }
template <> constexpr double tolerance<int32_t>() { return 0; }
template <> constexpr double tolerance<int64_t>() { return 0; }

struct Stats {
  int passed = 0;
  int failed = 0;
  std::vector<std::string> failures;
};
Stats& stats();

// The stream every kernel under test runs on.
cudaStream_t stream();

// A device buffer of n elements of T, poisoned at creation (all bytes 0xFF: NaN for floats,
// -1 for integers) so elements a kernel should write but does not are caught.
template <typename T>
struct Device {
  T* ptr = nullptr;
  int64_t n = 0;
  explicit Device(int64_t count) : n(count) {
    ptr = static_cast<T*>(wpc_malloc(sizeof(T) * (count > 0 ? count : 1)));
    if (!ptr) throw std::runtime_error("test: device out of memory for " + std::to_string(count) + " elements");
    poison();
  }
  explicit Device(const std::vector<T>& host) : Device(int64_t(host.size())) { upload(host); }
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  ~Device() { wpc_free(ptr); }
  void poison() { wpc_memset_async(ptr, 0xff, sizeof(T) * (n > 0 ? n : 1), stream()); }
  void upload(const std::vector<T>& host) { wpc_memcpy(ptr, host.data(), sizeof(T) * host.size(), stream()); }
  std::vector<T> download() const {
    std::vector<T> host(size_t(n > 0 ? n : 0));
    wpc_memcpy(host.data(), ptr, sizeof(T) * host.size(), stream());
    return host;
  }
};

// A host vector poisoned with NaN (CPU-side outputs get the same treatment).
template <typename T>
std::vector<T> poisoned(int64_t n) {
  return std::vector<T>(size_t(n), std::numeric_limits<T>::has_quiet_NaN ? std::numeric_limits<T>::quiet_NaN() : T(-1));
}

constexpr uint64_t kSeed = 20261127;

// The inputs' generator, reseeded with kSeed before every case (test_main.cpp), so a case draws
// the same inputs whether it runs alone (a name filter) or after others, and adding a case
// leaves the other cases' inputs as they were.
inline std::mt19937_64& rng() {
  static std::mt19937_64 g(kSeed);
  return g;
}

template <typename T>
std::vector<T> normal(int64_t n, double stddev = 1.0, double mean = 0.0) {
  std::normal_distribution<double> d(mean, stddev);
  std::vector<T> v(static_cast<size_t>(n));
  for (auto& x : v) x = T(d(rng()));
  return v;
}

template <typename T>
std::vector<T> uniform(int64_t n, double lo, double hi) {
  std::uniform_real_distribution<double> d(lo, hi);
  std::vector<T> v(static_cast<size_t>(n));
  for (auto& x : v) x = T(d(rng()));
  return v;
}

inline std::vector<int32_t> ints(int64_t n, int32_t lo, int32_t hi_inclusive) {
  std::uniform_int_distribution<int32_t> d(lo, hi_inclusive);
  std::vector<int32_t> v(static_cast<size_t>(n));
  for (auto& x : v) x = d(rng());
  return v;
}

// Infinities a check expects: none (the default: any NaN or infinity fails the check, so a
// kernel that writes NaN everywhere fails even where its CPU twin does too), or the same
// infinity at the same position on both sides (the log-sum-exp -inf of a fully masked row).
// NaN always fails.
enum class NonFinite { kNone, kMatchingInfinity };

// Records a check: the relative error ||gpu - cpu|| / ||cpu|| must be at most tol, and no
// element may be NaN (an unwritten, poisoned element, or a broken kernel and twin) or infinite
// unless `allow` says so.
template <typename A, typename B>
bool expect_close(const std::string& what, const std::vector<A>& gpu, const std::vector<B>& cpu, double tol,
                  NonFinite allow = NonFinite::kNone) {
  double diff2 = 0, ref2 = 0;
  int64_t nonfinite = 0, first_bad = -1;
  if (gpu.size() != cpu.size()) {
    stats().failed++;
    stats().failures.push_back(what + ": size " + std::to_string(gpu.size()) + " vs " + std::to_string(cpu.size()));
    std::printf("FAIL %-58s sizes differ\n", what.c_str());
    return false;
  }
  for (size_t i = 0; i < gpu.size(); ++i) {
    const double g = double(gpu[i]), c = double(cpu[i]);
    if (!std::isfinite(g) || !std::isfinite(c)) {
      const bool expected = allow == NonFinite::kMatchingInfinity && std::isinf(c) && g == c;
      if (!expected) {
        ++nonfinite;
        if (first_bad < 0) first_bad = int64_t(i);
      }
      continue;
    }
    diff2 += (g - c) * (g - c);
    ref2 += c * c;
  }
  const double rel = ref2 > 0 ? std::sqrt(diff2 / ref2) : std::sqrt(diff2);
  const bool ok = nonfinite == 0 && rel <= tol;
  if (ok) {
    stats().passed++;
    std::printf("ok   %-58s rel %.2e  (n=%zu)\n", what.c_str(), rel, gpu.size());
  } else {
    stats().failed++;
    char buf[64];
    std::snprintf(buf, sizeof buf, ": rel %.3e (tolerance %.1e)", rel, tol);
    std::string msg = what + buf;
    if (nonfinite)
      msg += ", " + std::to_string(nonfinite) + " unexpected NaN or infinite elements (first at " +
             std::to_string(first_bad) + ": gpu " + std::to_string(double(gpu[size_t(first_bad)])) + " cpu " +
             std::to_string(double(cpu[size_t(first_bad)])) + ")";
    stats().failures.push_back(msg);
    std::printf("FAIL %s\n", msg.c_str());
  }
  return ok;
}

template <typename T>
bool expect_equal(const std::string& what, const std::vector<T>& gpu, const std::vector<T>& cpu) {
  int64_t bad = 0, first = -1;
  for (size_t i = 0; i < gpu.size() && i < cpu.size(); ++i)
    if (!(gpu[i] == cpu[i])) {  // NaN equals nothing, itself included: a NaN fails the check
      ++bad;
      if (first < 0) first = int64_t(i);
    }
  const bool ok = bad == 0 && gpu.size() == cpu.size();
  if (ok) {
    stats().passed++;
    std::printf("ok   %-58s exact  (n=%zu)\n", what.c_str(), gpu.size());
  } else {
    stats().failed++;
    std::string msg = what + ": " + std::to_string(bad) + " elements differ";
    if (first >= 0)
      msg += " (first at " + std::to_string(first) + ": gpu " + std::to_string(double(gpu[size_t(first)])) + " cpu " +
             std::to_string(double(cpu[size_t(first)])) + ")";
    stats().failures.push_back(msg);
    std::printf("FAIL %s\n", msg.c_str());
  }
  return ok;
}

// Records that a kernel wrote nothing: every element still holds the NaN poison of its buffer
// (poisoned<T> on the host, Device<T> on the device). The one check where NaN is expected.
template <typename T>
bool expect_untouched(const std::string& what, const std::vector<T>& v) {
  int64_t written = 0, first = -1;
  for (size_t i = 0; i < v.size(); ++i)
    if (!std::isnan(double(v[i]))) {
      ++written;
      if (first < 0) first = int64_t(i);
    }
  const bool ok = written == 0;
  if (ok) {
    stats().passed++;
    std::printf("ok   %-58s untouched  (n=%zu)\n", what.c_str(), v.size());
  } else {
    stats().failed++;
    std::string msg = what + ": " + std::to_string(written) + " elements written (first at " + std::to_string(first) +
                      ": " + std::to_string(double(v[size_t(first)])) + ")";
    stats().failures.push_back(msg);
    std::printf("FAIL %s\n", msg.c_str());
  }
  return ok;
}

inline void expect_true(const std::string& what, bool ok, const std::string& detail = "") {
  if (ok) {
    stats().passed++;
    std::printf("ok   %s\n", what.c_str());
  } else {
    stats().failed++;
    stats().failures.push_back(what + (detail.empty() ? "" : ": " + detail));
    std::printf("FAIL %s %s\n", what.c_str(), detail.c_str());
  }
}

// Large sizes only on a real GPU (the emulator runs one CUDA thread at a time).
inline int64_t big(int64_t gpu_size, int64_t emulated_size) { return kEmulated ? emulated_size : gpu_size; }

// Registered test cases, run in order by main.
struct Case {
  const char* name;
  std::function<void()> run;
};
std::vector<Case>& cases();
struct Register {
  Register(const char* name, std::function<void()> run) { cases().push_back({name, std::move(run)}); }
};

}  // namespace wpt

#define WPT_CONCAT2(a, b) a##b
#define WPT_CONCAT(a, b) WPT_CONCAT2(a, b)
#define WPT_CASE(name) \
  static void WPT_CONCAT(wpt_case_, __LINE__)(); \
  static ::wpt::Register WPT_CONCAT(wpt_register_, __LINE__)(name, WPT_CONCAT(wpt_case_, __LINE__)); \
  static void WPT_CONCAT(wpt_case_, __LINE__)()
