// OpenBLAS sgemm against sbgemm (BF16 operands, F32 accumulation and output) at the shapes of
// issue 21, one process, medians of REPS timed calls after a warm-up. The library is opened at
// run time (dlopen), so a build of OpenBLAS without BF16 (no cblas_sbgemm symbol) is reported,
// not a link error. Usage: sbgemm_bench LIB [THREADS] [REPS]
#include <dlfcn.h>
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

namespace {
enum { RowMajor = 101, NoTrans = 111 };
using sgemm_t = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*, int);
using sbgemm_t = void (*)(int, int, int, int, int, int, float, const uint16_t*, int, const uint16_t*, int, float, float*, int);
using set_threads_t = void (*)(int);
using corename_t = char* (*)();

uint16_t to_bf16(float f) {  // round to nearest even (finite inputs)
  uint32_t u;
  std::memcpy(&u, &f, 4);
  u += 0x7fffu + ((u >> 16) & 1u);
  return uint16_t(u >> 16);
}

template <typename Call>
double median_seconds(int reps, Call call) {
  call();  // warm-up: page faults, OpenBLAS buffers
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    auto a = std::chrono::steady_clock::now();
    call();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s LIBOPENBLAS [THREADS] [REPS]\n", argv[0]);
    return 2;
  }
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2, reps = argc > 3 ? std::atoi(argv[3]) : 7;
  void* lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    std::fprintf(stderr, "cannot open %s: %s\n", argv[1], dlerror());
    return 1;
  }
  auto sgemm = reinterpret_cast<sgemm_t>(dlsym(lib, "cblas_sgemm"));
  auto sbgemm = reinterpret_cast<sbgemm_t>(dlsym(lib, "cblas_sbgemm"));
  auto set_threads = reinterpret_cast<set_threads_t>(dlsym(lib, "openblas_set_num_threads"));
  auto corename = reinterpret_cast<corename_t>(dlsym(lib, "openblas_get_corename"));
  if (!sgemm) {
    std::fprintf(stderr, "%s has no cblas_sgemm\n", argv[1]);
    return 1;
  }
  if (set_threads) set_threads(threads);
  const char* coretype = std::getenv("OPENBLAS_CORETYPE");
  std::printf("library %s, core %s, OPENBLAS_CORETYPE=%s, %d threads, median of %d\n", argv[1], corename ? corename() : "?",
              coretype ? coretype : "(unset)", threads, reps);
  if (!sbgemm) std::printf("no cblas_sbgemm in this library (OpenBLAS built without BUILD_BFLOAT16): sgemm only\n");
  const int shapes[][3] = {{1024, 1024, 1024}, {2048, 2048, 512}};  // M, N, K
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-1, 1);
  std::printf("%-16s %10s %10s %12s %12s %14s\n", "MxNxK", "sgemm ms", "GFLOP/s", "sbgemm ms", "GFLOP/s", "max |diff|");
  for (const auto& s : shapes) {
    const int m = s[0], n = s[1], k = s[2];
    std::vector<float> a(size_t(m) * k), b(size_t(k) * n), c(size_t(m) * n), c2(size_t(m) * n);
    for (float& x : a) x = u(rng);
    for (float& x : b) x = u(rng);
    const double flops = 2.0 * m * n * k;
    const double ts = median_seconds(reps, [&] { sgemm(RowMajor, NoTrans, NoTrans, m, n, k, 1.f, a.data(), k, b.data(), n, 0.f, c.data(), n); });
    char mnk[32];
    std::snprintf(mnk, sizeof mnk, "%dx%dx%d", m, n, k);
    if (!sbgemm) {
      std::printf("%-16s %10.2f %10.1f %12s %12s %14s\n", mnk, ts * 1e3, flops / ts / 1e9, "-", "-", "-");
      continue;
    }
    std::vector<uint16_t> ab(a.size()), bb(b.size());
    for (size_t i = 0; i < a.size(); ++i) ab[i] = to_bf16(a[i]);
    for (size_t i = 0; i < b.size(); ++i) bb[i] = to_bf16(b[i]);
    const double tb = median_seconds(reps, [&] { sbgemm(RowMajor, NoTrans, NoTrans, m, n, k, 1.f, ab.data(), k, bb.data(), n, 0.f, c2.data(), n); });
    double worst = 0;
    for (size_t i = 0; i < c.size(); ++i) worst = std::max(worst, double(std::abs(c[i] - c2[i])));
    std::printf("%-16s %10.2f %10.1f %12.2f %12.1f %14.3g\n", mnk, ts * 1e3, flops / ts / 1e9, tb * 1e3, flops / tb / 1e9, worst);
  }
  return 0;
}
