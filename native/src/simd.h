// Fixed-width SIMD vectors (GCC vector extensions) and per-ISA compilation, for kernels whose
// inner loops need values held in registers across iterations (register-blocked products),
// which auto-vectorised loops over arrays do not give.
//
// The vector width is a template parameter VB (bytes), so one kernel source is instantiated
// for each x86-64 level with the width that level has: 64 (AVX-512, x86-64-v4), 32 (AVX2,
// x86-64-v3) and 16 (SSE2, any x86-64). A width wider than the ISA still compiles but is
// emulated slowly, so the pairing matters; dispatch picks it once at run time:
//
//   template <typename T, int VB> WP_INLINE void kernel_impl(...);   // everything inlined
//   WP_TARGET_V4 void kernel_v4(...) { kernel_impl<float, 64>(...); }
//   WP_TARGET_V3 void kernel_v3(...) { kernel_impl<float, 32>(...); }
//   void kernel_base(...)            { kernel_impl<float, 16>(...); }
//   ... switch (simd::isa()) { case Isa::kV4: kernel_v4(...); ... }
//
// Everything a *_impl calls must be WP_INLINE (or a plain inline function GCC chooses to
// inline): a separate function would be compiled for the baseline ISA. Code in an OpenMP
// parallel region is outlined into its own (baseline) function too, so the region should
// only call the per-ISA entry points.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <cstring>

// Passing vector types between functions of different ISAs changes the ABI; every helper
// here is inlined, so the warning about it is noise.
#pragma GCC diagnostic ignored "-Wpsabi"

#define WP_INLINE inline __attribute__((always_inline))

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(WP_NO_CLONES)
#define WP_TARGET_V4 __attribute__((target("arch=x86-64-v4")))
#define WP_TARGET_V3 __attribute__((target("arch=x86-64-v3")))
#define WP_HAVE_ISA_LEVELS 1
#else
#define WP_TARGET_V4
#define WP_TARGET_V3
#define WP_HAVE_ISA_LEVELS 0
#endif

namespace wp::simd {

template <typename T, int VB>
struct VecOf {
  typedef T type __attribute__((vector_size(VB)));
};

// VB bytes of T as one value: +, -, * and scalar broadcasting work as on T.
template <typename T, int VB>
using Vec = typename VecOf<T, VB>::type;

template <typename T, int VB>
constexpr int kLanes = VB / int(sizeof(T));

// Unaligned load and store (memcpy compiles to one vector move).
template <typename T, int VB>
WP_INLINE Vec<T, VB> load(const T* p) {
  Vec<T, VB> v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <typename T, int VB>
WP_INLINE void store(T* p, const Vec<T, VB>& v) {
  std::memcpy(p, &v, sizeof v);
}

enum class Isa { kBase, kV3, kV4 };

// The level kernels use: the widest this CPU runs (detected once), lowered by the environment
// variable WEAKPAIR_SIMD=v3|base when set (to compare or test the narrower code paths; it is
// read on every call so a test can switch between calls).
inline Isa isa() {
#if WP_HAVE_ISA_LEVELS
  static const Isa detected = [] {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return Isa::kV4;
    if (__builtin_cpu_supports("x86-64-v3")) return Isa::kV3;
    return Isa::kBase;
  }();
  const char* want = std::getenv("WEAKPAIR_SIMD");
  if (want != nullptr) {
    if (std::strcmp(want, "base") == 0) return Isa::kBase;
    if (std::strcmp(want, "v3") == 0 && detected == Isa::kV4) return Isa::kV3;
  }
  return detected;
#else
  return Isa::kBase;
#endif
}

}  // namespace wp::simd
