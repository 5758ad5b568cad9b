// The CUDA emulator behind cuda_emu.h: one fiber per CUDA thread, switched with _setjmp /
// _longjmp (no signal-mask system calls) after a makecontext start on a private stack.
#undef _FORTIFY_SOURCE  // its longjmp check rejects jumps between fiber stacks
#include "cuda_emu.h"

#include <setjmp.h>
#include <ucontext.h>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

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

BlockRun* g_run = nullptr;
std::vector<char*> g_stacks;
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

void run_block(BlockRun& run) {
  const int n = int(run.fibers.size());
  while (g_stacks.size() < size_t(n)) g_stacks.push_back(static_cast<char*>(std::malloc(kStackBytes)));
  for (;;) {
    // Run every ready fiber until it blocks or ends.
    for (int i = 0; i < n; ++i) {
      if (run.fibers[i].state != State::Ready) continue;
      run.current = i;
      if (!_setjmp(run.scheduler)) {
        Fiber& f = run.fibers[run.current];
        if (!f.started) {
          f.started = true;
          getcontext(&f.context);
          f.context.uc_stack.ss_sp = g_stacks[run.current];
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

void run_grid(dim3 grid, dim3 block, size_t shared_bytes, const std::function<void()>& body) {
  static std::mutex one_kernel_at_a_time;  // the fiber state is global; Java may call from any thread
  std::lock_guard<std::mutex> lock(one_kernel_at_a_time);
  if (g_run) die("kernel launched from inside a kernel");
  const unsigned long long threads = 1ull * block.x * block.y * block.z;
  if (threads == 0 || threads > 1024 || block.z > 64 || grid.x == 0 || grid.y == 0 || grid.z == 0 ||
      grid.x > 2147483647u || grid.y > 65535 || grid.z > 65535 || shared_bytes > 227 * 1024) {
    g_last_error = cudaErrorInvalidConfiguration;
    return;
  }
  BlockRun run;
  run.body = &body;
  run.fibers.resize(threads);
  run.slots.assign(((threads + 31) / 32) * 32 * kSlotBytes, 0);
  g_grid_dim = grid;
  g_block_dim = block;
  for (unsigned bz = 0; bz < grid.z; ++bz)
    for (unsigned by = 0; by < grid.y; ++by)
      for (unsigned bx = 0; bx < grid.x; ++bx) {
        g_block_idx = uint3{bx, by, bz};
        run.shared.assign(shared_bytes, 0xff);  // NaN bytes: reading unwritten shared memory shows
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
        run_block(run);
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
    case cudaDevAttrMaxSharedMemoryPerBlockOptin: *value = 227 * 1024; break;
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
