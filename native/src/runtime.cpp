// Host memory, thread control, fills, strided copies and casts.
#include <cstring>
#include <cblas.h>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>
#include "bf16.h"
#include "kernel_util.h"
#include "wp/runtime.h"

using namespace wp;

// Large blocks are cached by size class instead of going back to glibc: freeing a big block
// returns its pages to the OS (munmap or heap trim), so the next step's tensor of the same
// size page-faults all of it in again, which cost more than the kernels themselves (layernorm
// forward+backward at 8192x768: 24 ms with plain malloc, under 4 ms cached). Small blocks stay
// with malloc, which caches them well. The cache is bounded; wp_host_empty_cache drops it.
namespace {
constexpr int64_t kCacheMinBytes = int64_t(1) << 20;
constexpr int64_t kMaxHostBytes = int64_t(1) << 48;

// Size classes: 4 per power of two above 1 MiB, so a cached block wastes at most 25%.
int64_t size_class(int64_t bytes) {
  int64_t pow2 = kCacheMinBytes;
  while (pow2 * 2 <= bytes) pow2 *= 2;
  const int64_t step = pow2 / 4;
  return (bytes + step - 1) / step * step;
}

struct HostCache {
  std::mutex mu;
  std::unordered_map<int64_t, std::vector<void*>> free_blocks;  // class size -> blocks
  std::unordered_map<void*, int64_t> block_size;                // every live or cached large block
  int64_t cached_bytes = 0;
  int64_t limit_bytes = int64_t(2) << 30;

  void trim_locked(int64_t target) {
    for (auto it = free_blocks.begin(); it != free_blocks.end() && cached_bytes > target; ++it) {
      while (!it->second.empty() && cached_bytes > target) {
        void* p = it->second.back();
        it->second.pop_back();
        cached_bytes -= it->first;
        block_size.erase(p);
        std::free(p);
      }
    }
  }
};

HostCache& cache() {
  static HostCache* c = new HostCache();  // never destroyed: frees may run during JVM exit
  return *c;
}
}  // namespace

static void* host_alloc_raw(int64_t bytes);

// WEAKPAIR_POISON=1 fills every new allocation with 0xFF bytes (NaN in F32/F64), so a kernel
// that reads memory it never wrote shows as NaN instead of depending on what was there before.
static bool poison_enabled() {
  static const bool on = [] {
    const char* v = std::getenv("WEAKPAIR_POISON");
    return v != nullptr && v[0] == '1';
  }();
  return on;
}

WP_API void* wp_host_alloc(int64_t bytes) {
  void* p = host_alloc_raw(bytes);
  if (p != nullptr && poison_enabled()) std::memset(p, 0xFF, static_cast<size_t>(bytes));
  return p;
}

static void* host_alloc_raw(int64_t bytes) {
  // Above 2^48 bytes no machine has the memory, and size_class's doubling would overflow.
  if (bytes <= 0 || bytes > kMaxHostBytes) return nullptr;
  if (bytes < kCacheMinBytes) {
    // Round up to the alignment so aligned_alloc's size rule holds.
    return std::aligned_alloc(64, static_cast<size_t>((bytes + 63) / 64 * 64));
  }
  const int64_t cls = size_class(bytes);
  HostCache& c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mu);
    auto it = c.free_blocks.find(cls);
    if (it != c.free_blocks.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      c.cached_bytes -= cls;
      return p;
    }
  }
  void* p = std::aligned_alloc(64, static_cast<size_t>(cls));
  if (p == nullptr) {  // drop the cache and try once more before reporting out-of-memory
    wp_host_empty_cache();
    p = std::aligned_alloc(64, static_cast<size_t>(cls));
    if (p == nullptr) return nullptr;
  }
  std::lock_guard<std::mutex> lock(c.mu);
  c.block_size[p] = cls;
  return p;
}

WP_API void wp_host_free(void* ptr) {
  if (ptr == nullptr) return;
  HostCache& c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mu);
    auto it = c.block_size.find(ptr);
    if (it != c.block_size.end()) {
      const int64_t cls = it->second;
      if (cls <= c.limit_bytes) {
        c.free_blocks[cls].push_back(ptr);
        c.cached_bytes += cls;
        c.trim_locked(c.limit_bytes);
        return;
      }
      c.block_size.erase(it);
    }
  }
  std::free(ptr);
}

WP_API void wp_host_empty_cache(void) {
  HostCache& c = cache();
  std::lock_guard<std::mutex> lock(c.mu);
  c.trim_locked(0);
}

WP_API int64_t wp_host_cached_bytes(void) {
  HostCache& c = cache();
  std::lock_guard<std::mutex> lock(c.mu);
  return c.cached_bytes;
}

WP_API void wp_host_set_cache_limit(int64_t bytes) {
  HostCache& c = cache();
  std::lock_guard<std::mutex> lock(c.mu);
  c.limit_bytes = bytes < 0 ? 0 : bytes;
  c.trim_locked(c.limit_bytes);
}

// OpenBLAS always runs on the calling thread: the kernels split work across OpenMP threads
// themselves (gemm.cpp says why). Set when the library loads, before any BLAS call.
__attribute__((constructor)) static void blas_on_calling_thread() { openblas_set_num_threads(1); }

WP_API void wp_set_num_threads(int32_t threads) {
  if (threads < 1) fail("thread count must be at least 1, got " + std::to_string(threads));
  omp_set_num_threads(threads);
}

WP_API int32_t wp_get_num_threads(void) { return omp_get_max_threads(); }

WP_API void wp_fill(int32_t dtype, void* dst, int64_t n, double value) {
  if (dtype == WP_BF16) return fill_bf16(static_cast<uint16_t*>(dst), n, value);
  dispatch_any(dtype, "fill", [&](auto zero) {
    using T = decltype(zero);
    T* d = static_cast<T*>(dst);
    const T v = static_cast<T>(value);
    parallel_chunks(n, 1, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) d[i] = v;
    });
  });
}

namespace {
// The row loops are WP_HOT functions called from the parallel lambda: a lambda body is a
// function of its own and would not inherit the enclosing function's target clones.
template <typename T>
WP_HOT void copy_rows(const StridedLayout<2>& L, const T* src, T* dst, int64_t begin, int64_t end) {
  const int64_t inner = L.inner();
  const int64_t ss = L.strides[0][L.ndim - 1], ds = L.strides[1][L.ndim - 1];
  int64_t off[2];
  for (int64_t row = begin; row < end; ++row) {
    L.offsets(row, off);
    const T* s = src + off[0];
    T* d = dst + off[1];
    if (ss == 1 && ds == 1) {
      std::memcpy(d, s, sizeof(T) * inner);
    } else {
      for (int64_t i = 0; i < inner; ++i) d[i * ds] = s[i * ss];
    }
  }
}

template <typename T>
void copy_strided(const StridedLayout<2>& L, const T* src, T* dst) {
  parallel_chunks(L.outer_count(), L.inner(), [&](int64_t b, int64_t e) { copy_rows<T>(L, src, dst, b, e); });
}
}  // namespace

WP_API void wp_copy_strided(int32_t dtype, int32_t ndim, const int64_t* shape, const void* src,
                            const int64_t* src_strides, void* dst, const int64_t* dst_strides) {
  const int64_t* strides[2] = {src_strides, dst_strides};
  StridedLayout<2> L(ndim, shape, strides);
  if (dtype == WP_BF16) {  // a copy converts nothing: move the 2-byte elements as they are
    copy_strided<uint16_t>(L, static_cast<const uint16_t*>(src), static_cast<uint16_t*>(dst));
    return;
  }
  dispatch_any(dtype, "copy", [&](auto zero) {
    using T = decltype(zero);
    copy_strided<T>(L, static_cast<const T*>(src), static_cast<T*>(dst));
  });
}

WP_API void wp_cast(int32_t src_dtype, const void* src, int32_t dst_dtype, void* dst, int64_t n) {
  if (src_dtype == WP_BF16 || dst_dtype == WP_BF16) return cast_bf16(src_dtype, src, dst_dtype, dst, n);
  dispatch_any(src_dtype, "cast", [&](auto s0) {
    using S = decltype(s0);
    dispatch_any(dst_dtype, "cast", [&](auto d0) {
      using D = decltype(d0);
      const S* s = static_cast<const S*>(src);
      D* d = static_cast<D*>(dst);
      parallel_chunks(n, 1, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) d[i] = static_cast<D>(s[i]);
      });
    });
  });
}

WP_API void wp_memcpy(void* dst, const void* src, int64_t bytes) {
  if (bytes > 0) std::memcpy(dst, src, static_cast<size_t>(bytes));
}

WP_API int32_t wp_has_nonfinite(int32_t dtype, const void* src, int64_t n) {
  if (dtype == WP_BF16) return bf16_has_nonfinite(static_cast<const uint16_t*>(src), n) ? 1 : 0;
  int32_t found = 0;
  dispatch_float(dtype, "has_nonfinite", [&](auto zero) {
    using T = decltype(zero);
    const T* s = static_cast<const T*>(src);
    for (int64_t i = 0; i < n; ++i)
      if (!std::isfinite(s[i])) { found = 1; break; }
  });
  return found;
}
