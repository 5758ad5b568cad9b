// The CUDA kernel test program: every CUDA kernel against its CPU twin (wp_* in native/) on
// the same random inputs, outputs poisoned beforehand, odd sizes and (on a GPU) sizes that
// fill the device. Built twice by CMake: cuda_kernels_emu_test runs the kernels on the CPU
// emulator (always), cuda_kernels_test on a GPU (skips, passing, where there is none).
// Usage: <program> [name-filter]   (runs the cases whose name contains the filter)
#include <cstring>
#include "test_util.h"

namespace wpt {
Stats& stats() {
  static Stats s;
  return s;
}
std::vector<Case>& cases() {
  static std::vector<Case> c;
  return c;
}
static cudaStream_t g_stream = nullptr;
cudaStream_t stream() { return g_stream; }
}  // namespace wpt

int main(int argc, char** argv) {
  using namespace wpt;
  const int32_t devices = wpc_device_count();
  if (devices <= 0) {
    std::printf("SKIPPED: no CUDA device: %s\n",
                devices == 0 ? "the driver reports no device" : wpc_error_string(-devices));
    return 0;
  }
  wpc_set_device(0);
  char name[256];
  int64_t info[7];
  wpc_device_info(0, name, sizeof name, info);
  std::printf("device: %s, %lld MiB, %lld SMs, sm_%lld%lld; library built for %s\n", name,
              (long long)(info[0] >> 20), (long long)info[2], (long long)info[3], (long long)info[4],
              wpc_build_archs());
  g_stream = wpc_stream_create();
  const char* filter = argc > 1 ? argv[1] : nullptr;
  for (auto& c : cases()) {
    if (filter && !std::strstr(c.name, filter)) continue;
    rng().seed(kSeed);
    try {
      c.run();
      wpc_stream_synchronize(g_stream);
    } catch (const std::exception& e) {
      stats().failed++;
      stats().failures.push_back(std::string(c.name) + ": exception: " + e.what());
      std::printf("FAIL %s: exception: %s\n", c.name, e.what());
    }
  }
  wpc_stream_destroy(g_stream);
  std::printf("\n%d checks passed, %d failed\n", stats().passed, stats().failed);
  for (auto& f : stats().failures) std::printf("  failed: %s\n", f.c_str());
  return stats().failed == 0 ? 0 : 1;
}
