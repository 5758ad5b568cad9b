// The CUDA emulator behind cuda_emu.h: one fiber per CUDA thread, switched with _setjmp /
// _longjmp (no signal-mask system calls) after a makecontext start on a private stack.
#undef _FORTIFY_SOURCE  // its longjmp check rejects jumps between fiber stacks
#include <memory>
#include "cuda_emu.h"

#include <setjmp.h>
#include <ucontext.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

// The bounds of the section that holds every __shared__ variable (cuda_emu.h); weak, so a
// program without one links.
extern "C" unsigned char __start_wpc_emu_shared[] __attribute__((weak));
extern "C" unsigned char __stop_wpc_emu_shared[] __attribute__((weak));

namespace emu {
namespace {

enum class State { Ready, BlockBarrier, WarpBarrier, Done };

struct Fiber {
  ucontext_t context;
  jmp_buf resume;
  bool started = false;
  State state = State::Ready;
  uint3 tid{0, 0, 0};
  int linear = 0;
};

constexpr size_t kStackBytes = 256 * 1024;
constexpr size_t kSlotBytes = 16;

struct BlockRun {
  std::vector<Fiber> fibers;
  const std::function<void()>* body = nullptr;
  std::vector<unsigned char> shared;
  std::vector<unsigned char> slots;  // [warp][lane][kSlotBytes]
  int current = -1;
  jmp_buf scheduler;
};

// splitmix64: the seeded, reproducible order of the threads between barriers.
uint64_t mix(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t env_seed() {
  const char* v = std::getenv("WPC_EMU_SEED");
  return v && *v ? std::strtoull(v, nullptr, 0) : 1;
}

int env_arch() {
  const char* v = std::getenv("WPC_EMU_ARCH");
  if (!v || !*v) return 80;  // the smaller shared-memory limit of the two targets
  const int sm = std::atoi(v);
  if (sm != 80 && sm != 90) {
    std::fprintf(stderr, "cuda-emu: WPC_EMU_ARCH must be 80 or 90, not '%s'\n", v);
    std::abort();
  }
  return sm;
}

const uint64_t g_seed = env_seed();
int g_arch = env_arch();
uint64_t g_launches = 0;
std::map<const void*, int> g_dynamic_limit;  // cudaFuncAttributeMaxDynamicSharedMemorySize by kernel

BlockRun* g_run = nullptr;
// Fiber stacks, reused across blocks; owned so that they are freed at exit (LeakSanitizer).
std::vector<std::unique_ptr<char[]>> g_stacks;
uint3 g_block_idx{0, 0, 0};
uint3 g_no_thread{0, 0, 0};
dim3 g_block_dim, g_grid_dim;
cudaError_t g_last_error = cudaSuccess;

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "cuda-emu: %s (block %u,%u,%u of a %ux%ux%u grid of %ux%ux%u threads)\n", what.c_str(),
               g_block_idx.x, g_block_idx.y, g_block_idx.z, g_grid_dim.x, g_grid_dim.y, g_grid_dim.z,
               g_block_dim.x, g_block_dim.y, g_block_dim.z);
  std::abort();
}

Fiber& current() {
  if (!g_run || g_run->current < 0) die("a device-side function was called outside a kernel");
  return g_run->fibers[g_run->current];
}

void fiber_entry() {
  (*g_run->body)();
  g_run->fibers[g_run->current].state = State::Done;
  _longjmp(g_run->scheduler, 1);
}

// Suspends the running fiber in state s and returns when the scheduler resumes it.
void suspend(State s) {
  Fiber& f = current();
  f.state = s;
  if (!_setjmp(f.resume)) _longjmp(g_run->scheduler, 1);
}

// Threads run between barriers in an order shuffled with (seed, launch, block, round).
void run_block(BlockRun& run, uint64_t block_seed) {
  const int n = int(run.fibers.size());
  while (g_stacks.size() < size_t(n)) g_stacks.push_back(std::unique_ptr<char[]>(new char[kStackBytes]));
  std::vector<int> order(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) order[size_t(i)] = i;
  uint64_t state = block_seed;
  for (;;) {
    for (int k = n - 1; k > 0; --k) {  // Fisher-Yates
      state = mix(state);
      std::swap(order[size_t(k)], order[size_t(state % uint64_t(k + 1))]);
    }
    // Run every ready fiber until it blocks or ends.
    for (const int i : order) {
      if (run.fibers[i].state != State::Ready) continue;
      run.current = i;
      if (!_setjmp(run.scheduler)) {
        Fiber& f = run.fibers[run.current];
        if (!f.started) {
          f.started = true;
          getcontext(&f.context);
          f.context.uc_stack.ss_sp = g_stacks[run.current].get();
          f.context.uc_stack.ss_size = kStackBytes;
          f.context.uc_link = nullptr;
          makecontext(&f.context, fiber_entry, 0);
          setcontext(&f.context);
        } else {
          _longjmp(f.resume, 1);
        }
      }
    }
    run.current = -1;
    // Everyone is blocked or done: release complete warp barriers, then the block barrier.
    int done = 0, at_block = 0;
    for (auto& f : run.fibers) {
      if (f.state == State::Done) ++done;
      if (f.state == State::BlockBarrier) ++at_block;
    }
    if (done == n) return;
    bool released = false;
    for (int w = 0; w * 32 < n; ++w) {
      const int end = std::min(n, w * 32 + 32);
      int waiting = 0;
      for (int i = w * 32; i < end; ++i) waiting += run.fibers[i].state == State::WarpBarrier;
      if (waiting == 0) continue;
      if (waiting != end - w * 32)
        die("a warp-level barrier or shuffle was reached by " + std::to_string(waiting) + " of the " +
            std::to_string(end - w * 32) + " threads of warp " + std::to_string(w));
      for (int i = w * 32; i < end; ++i) run.fibers[i].state = State::Ready;
      released = true;
    }
    if (released) continue;
    if (at_block > 0) {
      if (at_block + done != n || done > 0)
        die("__syncthreads was reached by " + std::to_string(at_block) + " of " + std::to_string(n) +
            " threads (" + std::to_string(done) + " had already returned)");
      for (auto& f : run.fibers) f.state = State::Ready;
      continue;
    }
    die("deadlock: no thread can proceed");
  }
}

}  // namespace

uint3& thread_idx() { return g_run && g_run->current >= 0 ? g_run->fibers[g_run->current].tid : g_no_thread; }
uint3& block_idx() { return g_block_idx; }
dim3& block_dim() { return g_block_dim; }
dim3& grid_dim() { return g_grid_dim; }
unsigned char* dynamic_shared() { return g_run ? g_run->shared.data() : nullptr; }

int lane_id() { return current().linear % 32; }

void block_barrier() { suspend(State::BlockBarrier); }

void check_full_warp(unsigned mask) {
  if (mask != 0xffffffffu) die("only full-mask warp operations are emulated (mask " + std::to_string(mask) + ")");
  const int w = current().linear / 32;
  if (int(g_run->fibers.size()) < (w + 1) * 32)
    die("a full-mask warp operation in warp " + std::to_string(w) + ", which has fewer than 32 threads");
}

void warp_barrier(unsigned mask) {
  check_full_warp(mask);
  suspend(State::WarpBarrier);
}

void warp_gather(const void* value, size_t bytes, void* all_out) {
  if (bytes > kSlotBytes) die("warp exchange of a value wider than 16 bytes");
  const int linear = current().linear;
  unsigned char* warp_slots = g_run->slots.data() + size_t(linear / 32) * 32 * kSlotBytes;
  std::memcpy(warp_slots + size_t(linear % 32) * kSlotBytes, value, bytes);
  suspend(State::WarpBarrier);  // every lane has written
  for (int l = 0; l < 32; ++l)
    std::memcpy(static_cast<unsigned char*>(all_out) + size_t(l) * bytes, warp_slots + size_t(l) * kSlotBytes, bytes);
  suspend(State::WarpBarrier);  // every lane has read before anyone writes again
}

void warp_exchange(const void* value, size_t bytes, int src_lane, void* out) {
  unsigned char all[32 * kSlotBytes];
  warp_gather(value, bytes, all);
  std::memcpy(out, all + size_t(src_lane) * bytes, bytes);
}

namespace {

std::mutex& kernel_mutex() {  // the fiber state is global; Java may call from any thread
  static std::mutex m;
  return m;
}

// The dynamic shared memory a launch of kernel may use: 48 KiB unless raised by attribute.
int dynamic_limit(const void* kernel) {
  const auto it = g_dynamic_limit.find(kernel);
  return it == g_dynamic_limit.end() ? kSharedDefaultLimit : std::max(kSharedDefaultLimit, it->second);
}

void poison_static_shared() {
  if (__start_wpc_emu_shared && __stop_wpc_emu_shared > __start_wpc_emu_shared)
    std::memset(__start_wpc_emu_shared, 0xff, size_t(__stop_wpc_emu_shared - __start_wpc_emu_shared));
}

}  // namespace

int arch() { return g_arch; }

void set_arch(int sm) {
  if (sm != 80 && sm != 90) throw std::invalid_argument("cuda-emu: architecture must be 80 or 90, not " + std::to_string(sm));
  std::lock_guard<std::mutex> lock(kernel_mutex());
  g_arch = sm;
  g_dynamic_limit.clear();  // attributes belong to the previous "device"
}

int shared_optin_limit() { return g_arch == 90 ? 227 * 1024 : 163 * 1024; }

size_t static_shared_bytes() {
  if (+__start_wpc_emu_shared && +__stop_wpc_emu_shared > +__start_wpc_emu_shared)
    return size_t(__stop_wpc_emu_shared - __start_wpc_emu_shared);
  return 0;
}

cudaError_t set_max_dynamic_shared(const void* kernel, int bytes) {
  if (bytes < 0 || size_t(bytes) + static_shared_bytes() > size_t(shared_optin_limit()))
    return g_last_error = cudaErrorInvalidValue;
  std::lock_guard<std::mutex> lock(kernel_mutex());
  g_dynamic_limit[kernel] = bytes;
  return cudaSuccess;
}

namespace {
std::function<bool(unsigned, unsigned, unsigned)> g_block_filter;
}

void set_block_filter(std::function<bool(unsigned, unsigned, unsigned)> filter) {
  std::lock_guard<std::mutex> lock(kernel_mutex());
  g_block_filter = std::move(filter);
}

void run_grid(const void* kernel, dim3 grid, dim3 block, size_t shared_bytes, const std::function<void()>& body) {
  std::lock_guard<std::mutex> lock(kernel_mutex());
  if (g_run) die("kernel launched from inside a kernel");
  const unsigned long long threads = 1ull * block.x * block.y * block.z;
  if (threads == 0 || threads > 1024 || block.z > 64 || grid.x == 0 || grid.y == 0 || grid.z == 0 ||
      grid.x > 2147483647u || grid.y > 65535 || grid.z > 65535) {
    g_last_error = cudaErrorInvalidConfiguration;
    return;
  }
  if (shared_bytes > size_t(dynamic_limit(kernel))) {
    std::fprintf(stderr,
                 "cuda-emu: launch refused: %zu bytes of dynamic shared memory, the kernel's limit on sm_%d is %d "
                 "(48 KiB unless raised with cudaFuncSetAttribute, at most %d)\n",
                 shared_bytes, g_arch, dynamic_limit(kernel), shared_optin_limit());
    g_last_error = cudaErrorInvalidValue;
    return;
  }
  const uint64_t launch_seed = mix(g_seed ^ mix(++g_launches));
  BlockRun run;
  run.body = &body;
  run.fibers.resize(threads);
  run.slots.assign(((threads + 31) / 32) * 32 * kSlotBytes, 0);
  g_grid_dim = grid;
  g_block_dim = block;
  for (unsigned bz = 0; bz < grid.z; ++bz)
    for (unsigned by = 0; by < grid.y; ++by)
      for (unsigned bx = 0; bx < grid.x; ++bx) {
        if (g_block_filter && !g_block_filter(bx, by, bz)) continue;
        g_block_idx = uint3{bx, by, bz};
        run.shared.assign(shared_bytes, 0xff);  // NaN bytes: reading unwritten shared memory shows
        poison_static_shared();
        int linear = 0;
        for (unsigned z = 0; z < block.z; ++z)
          for (unsigned y = 0; y < block.y; ++y)
            for (unsigned x = 0; x < block.x; ++x, ++linear) {
              Fiber& f = run.fibers[linear];
              f.started = false;
              f.state = State::Ready;
              f.tid = uint3{x, y, z};
              f.linear = linear;
            }
        g_run = &run;
        run_block(run, mix(launch_seed ^ mix((uint64_t(bz) << 42) ^ (uint64_t(by) << 21) ^ bx)));
        g_run = nullptr;
      }
}

}  // namespace emu

// ------------------------------------------------------------------ the runtime API subset

cudaError_t cudaMalloc(void** ptr, size_t bytes) {
  const size_t rounded = (bytes + 255) / 256 * 256;
  *ptr = std::aligned_alloc(256, rounded == 0 ? 256 : rounded);
  if (!*ptr) return emu::g_last_error = cudaErrorMemoryAllocation;
  std::memset(*ptr, 0xff, rounded);  // uninitialised device memory reads as NaN
  return cudaSuccess;
}
cudaError_t cudaFree(void* ptr) {
  std::free(ptr);
  return cudaSuccess;
}
cudaError_t cudaMemcpy(void* dst, const void* src, size_t bytes, cudaMemcpyKind) {
  if (bytes) std::memmove(dst, src, bytes);
  return cudaSuccess;
}
cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t bytes, cudaMemcpyKind kind, cudaStream_t) {
  return cudaMemcpy(dst, src, bytes, kind);
}
cudaError_t cudaMemset(void* dst, int value, size_t bytes) {
  if (bytes) std::memset(dst, value, bytes);
  return cudaSuccess;
}
cudaError_t cudaMemsetAsync(void* dst, int value, size_t bytes, cudaStream_t) { return cudaMemset(dst, value, bytes); }
cudaError_t cudaStreamCreate(cudaStream_t* stream) {
  *stream = nullptr;
  return cudaSuccess;
}
cudaError_t cudaStreamDestroy(cudaStream_t) { return cudaSuccess; }
cudaError_t cudaStreamSynchronize(cudaStream_t) { return cudaSuccess; }
cudaError_t cudaDeviceSynchronize() { return cudaSuccess; }
cudaError_t cudaGetLastError() {
  const cudaError_t e = emu::g_last_error;
  emu::g_last_error = cudaSuccess;
  return e;
}
cudaError_t cudaPeekAtLastError() { return emu::g_last_error; }
const char* cudaGetErrorString(cudaError_t error) {
  switch (error) {
    case cudaSuccess: return "no error";
    case cudaErrorInvalidValue: return "invalid argument";
    case cudaErrorMemoryAllocation: return "out of memory";
    case cudaErrorInvalidConfiguration: return "invalid configuration argument";
    case cudaErrorNoDevice: return "no CUDA-capable device is detected";
  }
  return "unknown error";
}
cudaError_t cudaGetDeviceCount(int* count) {
  *count = 1;
  return cudaSuccess;
}
cudaError_t cudaGetDevice(int* device) {
  *device = 0;
  return cudaSuccess;
}
cudaError_t cudaSetDevice(int device) { return device == 0 ? cudaSuccess : cudaErrorInvalidValue; }
cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int) {
  switch (attr) {
    case cudaDevAttrMaxThreadsPerBlock: *value = 1024; break;
    case cudaDevAttrMaxSharedMemoryPerBlock: *value = 48 * 1024; break;
    case cudaDevAttrMultiProcessorCount: *value = 2; break;  // small, so grid-stride loops really stride
    case cudaDevAttrMaxSharedMemoryPerBlockOptin: *value = emu::shared_optin_limit(); break;
    default: return cudaErrorInvalidValue;
  }
  return cudaSuccess;
}
cudaError_t cudaRuntimeGetVersion(int* version) {
  *version = 0;
  return cudaSuccess;
}
cudaError_t cudaMemGetInfo(size_t* free_bytes, size_t* total_bytes) {
  *free_bytes = size_t(1) << 30;
  *total_bytes = size_t(1) << 30;
  return cudaSuccess;
}
cudaError_t cudaEventCreate(cudaEvent_t* event) {
  *event = nullptr;
  return cudaSuccess;
}
cudaError_t cudaEventDestroy(cudaEvent_t) { return cudaSuccess; }
cudaError_t cudaEventRecord(cudaEvent_t, cudaStream_t) { return cudaSuccess; }
cudaError_t cudaEventSynchronize(cudaEvent_t) { return cudaSuccess; }
cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t, cudaEvent_t) {
  *ms = 0;
  return cudaSuccess;
}
