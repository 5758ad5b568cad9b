// CPU feature detection for `weakpair info` and, later, for dispatching BF16 kernels.
// CPUID says what the processor implements; XGETBV (XCR0) says which register states the
// operating system saves on a context switch: AVX-512 needs the opmask and ZMM states, AMX the
// tile states, and without them the instructions fault even where CPUID lists them.
#include "wp/cpu_features.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>

namespace {
unsigned long long xcr0() {
  unsigned int lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<unsigned long long>(hi) << 32) | lo;
}
}  // namespace

WP_API int32_t wp_cpu_features(void) {
  unsigned int a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return WP_CPU_UNKNOWN;
  const bool osxsave = c & (1u << 27);
  const bool fma = c & (1u << 12);
  if (!osxsave) return 0;
  const unsigned long long xcr = xcr0();
  const bool ymm_state = (xcr & 0x6) == 0x6;       // SSE and AVX (YMM upper halves)
  const bool zmm_state = (xcr & 0xe6) == 0xe6;     // plus opmask, ZMM upper halves, ZMM16-31
  const bool tile_state = (xcr & 0x60000) == 0x60000;  // XTILECFG and XTILEDATA
  if (__get_cpuid_max(0, nullptr) < 7) return 0;
  __cpuid_count(7, 0, a, b, c, d);
  const unsigned int max_subleaf = a;
  const bool avx2 = b & (1u << 5);
  const bool avx512f = b & (1u << 16);
  const bool amx_bf16 = d & (1u << 22);
  bool avx512_bf16 = false;
  if (max_subleaf >= 1) {
    __cpuid_count(7, 1, a, b, c, d);
    avx512_bf16 = a & (1u << 5);
  }
  int32_t out = 0;
  if (ymm_state && avx2) out |= WP_CPU_AVX2;
  if (ymm_state && fma) out |= WP_CPU_FMA;
  if (zmm_state && avx512f) out |= WP_CPU_AVX512F;
  if (zmm_state && avx512f && avx512_bf16) out |= WP_CPU_AVX512_BF16;
  if (tile_state && amx_bf16) out |= WP_CPU_AMX_BF16;
  return out;
}
#else
WP_API int32_t wp_cpu_features(void) { return WP_CPU_UNKNOWN; }
#endif
