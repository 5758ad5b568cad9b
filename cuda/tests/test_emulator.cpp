// The emulator's own strictness (cuda/emu, cuda/README.md): kernels with a deliberate bug that
// the emulator must expose, and its per-architecture shared-memory limits. Emulated build only:
// these kernels are compiled by the host compiler against cuda_emu.h (on a GPU there is
// nothing of the emulator to test).
#include "test_util.h"

#if defined(WPC_TEST_EMULATED)
#include "cuda_emu.h"

using namespace wpt;

namespace {

constexpr int kBlock = 256;

// out[b * kBlock + t] = x[t] / (sum of the block's x): thread 0 sums the block's inputs into
// a shared total that every thread then reads. The broken variant lacks the barrier between
// that write and the reads: with threads run in index order (the emulator before it shuffled
// them) thread 0 wrote first and the bug passed; shuffled, threads that run before thread 0
// read the poisoned total.
template <bool kBarrier>
__global__ void normalise_by_block_total(const float* x, float* out) {
  __shared__ float xs[kBlock];
  __shared__ float total;
  const int t = threadIdx.x;
  xs[t] = x[blockIdx.x * kBlock + t];
  __syncthreads();
  if (t == 0) {
    float s = 0;
    for (int k = 0; k < kBlock; ++k) s += xs[k];
    total = s;
  }
  if (kBarrier) __syncthreads();
  out[blockIdx.x * kBlock + t] = xs[t] / total;
}

// Counts its block's launches in a static shared counter that the kernel forgets to zero:
// with static shared memory kept from block to block (zero at program start) the first
// launch of one block gave the right 1; poisoned per block it cannot.
__global__ void count_without_init(int* out) {
  __shared__ int count;
  __syncthreads();
  if (threadIdx.x == 0) count += 1;
  __syncthreads();
  if (threadIdx.x == 0) out[blockIdx.x] = count;
}

__global__ void touch_dynamic_shared(int* out) {
  unsigned char* s = emu::dynamic_shared();
  s[threadIdx.x] = 1;
  __syncthreads();
  if (threadIdx.x == 0) out[0] = s[0];
}

void check_launch(const char* what) {
  const cudaError_t e = cudaGetLastError();
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": launch failed: " + cudaGetErrorString(e));
}

template <bool kBarrier>
std::vector<float> run_normalise(const std::vector<float>& x, int blocks) {
  Device<float> dx(x), dout(int64_t(x.size()));
  emu::launch(normalise_by_block_total<kBarrier>, dim3(blocks), dim3(kBlock), 0, stream(), dx.ptr, dout.ptr);
  check_launch("normalise_by_block_total");
  return dout.download();
}

// Elements of a and b that differ (NaN differs from everything).
int64_t differing(const std::vector<float>& a, const std::vector<float>& b) {
  int64_t d = 0;
  for (size_t i = 0; i < a.size(); ++i) d += !(a[i] == b[i]);
  return d;
}

// Launches touch_dynamic_shared with `bytes` of dynamic shared memory; true when accepted.
bool launch_accepted(size_t bytes) {
  Device<int> out(1);
  emu::launch(touch_dynamic_shared, dim3(1), dim3(32), bytes, stream(), out.ptr);
  return cudaGetLastError() == cudaSuccess;
}

}  // namespace

WPT_CASE("emulator/missing-barrier-is-caught") {
  const int blocks = 6;
  auto x = uniform<float>(int64_t(blocks) * kBlock, 0.5, 2.0);
  std::vector<float> want(x.size());
  for (int b = 0; b < blocks; ++b) {
    float s = 0;
    for (int k = 0; k < kBlock; ++k) s += x[size_t(b * kBlock + k)];
    for (int k = 0; k < kBlock; ++k) want[size_t(b * kBlock + k)] = x[size_t(b * kBlock + k)] / s;
  }
  expect_close("emulator: the kernel with its barrier matches", run_normalise<true>(x, blocks), want, 0);
  const int64_t bad = differing(run_normalise<false>(x, blocks), want);
  expect_equal("emulator: the kernel without its barrier mismatches (" + std::to_string(bad) + " of " +
                   std::to_string(x.size()) + " elements)",
               std::vector<int>{bad > 0 ? 1 : 0}, std::vector<int>{1});
}

WPT_CASE("emulator/static-shared-poisoned-per-block") {
  Device<int> out(3);
  emu::launch(count_without_init, dim3(3), dim3(64), 0, stream(), out.ptr);
  check_launch("count_without_init");
  const auto got = out.download();
  int right = 0;
  for (int v : got) right += v == 1;
  expect_equal("emulator: a static shared counter read before it is set is never the right 1",
               std::vector<int>{right}, std::vector<int>{0});
}

WPT_CASE("emulator/shared-memory-limits") {
  const int saved = emu::arch();
  for (int sm : {80, 90}) {
    emu::set_arch(sm);
    const std::string a = " sm_" + std::to_string(sm);
    const int limit = sm == 80 ? 163 * 1024 : 227 * 1024;
    int reported = 0;
    cudaDeviceGetAttribute(&reported, cudaDevAttrMaxSharedMemoryPerBlockOptin, 0);
    expect_equal("emulator: opt-in shared-memory limit" + a, std::vector<int>{reported}, std::vector<int>{limit});
    const bool default_ok = launch_accepted(48 * 1024);
    const bool over_default_refused = !launch_accepted(48 * 1024 + 16);
    // Dynamic plus static shared memory must fit the limit, as on a GPU; the emulator counts
    // every kernel's statics as one (emu::static_shared_bytes()), so the dynamic room is less.
    const int room = limit - int(emu::static_shared_bytes());
    const bool attribute_above_limit_refused =
        cudaFuncSetAttribute(touch_dynamic_shared, cudaFuncAttributeMaxDynamicSharedMemorySize, room + 1) != cudaSuccess;
    cudaGetLastError();
    const bool attribute_ok =
        cudaFuncSetAttribute(touch_dynamic_shared, cudaFuncAttributeMaxDynamicSharedMemorySize, room) == cudaSuccess;
    const bool at_limit_ok = launch_accepted(size_t(room));
    const bool above_limit_refused = !launch_accepted(size_t(room) + 16);
    expect_equal("emulator: 48 KiB ok, more refused without opt-in, opt-in up to the limit" + a,
                 std::vector<int>{default_ok, over_default_refused, attribute_above_limit_refused, attribute_ok,
                                  at_limit_ok, above_limit_refused},
                 std::vector<int>(6, 1));
  }
  emu::set_arch(saved);
}

#endif  // WPC_TEST_EMULATED
