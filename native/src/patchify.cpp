// Patch extraction for a ViT and its adjoint: pure permutations of the elements.
#include <cstring>
#include "kernel_util.h"
#include "wp/patchify.h"

using namespace wp;

namespace {

// One task per (b, c, py): a band of p image rows of one channel, which lands in the c-th
// block of p*p entries of the (width/p) patches of grid row py. Image rows are walked in
// order; each patch row of p elements is one short copy.
template <typename T, bool ToPatches>
void move_bands(int64_t begin, int64_t end, int64_t channels, int64_t height, int64_t width, int64_t p, T* images,
                T* patches) {
  const int64_t gh = height / p, gw = width / p;
  const int64_t patch_len = channels * p * p;
  for (int64_t task = begin; task < end; ++task) {
    const int64_t py = task % gh;
    const int64_t c = (task / gh) % channels;
    const int64_t b = task / (gh * channels);
    T* img = images + ((b * channels + c) * height + py * p) * width;
    T* pat = patches + (b * gh + py) * gw * patch_len + c * p * p;
    for (int64_t i = 0; i < p; ++i) {
      T* img_row = img + i * width;
      T* pat_row = pat + i * p;
      for (int64_t px = 0; px < gw; ++px) {
        if constexpr (ToPatches) std::memcpy(pat_row + px * patch_len, img_row + px * p, sizeof(T) * size_t(p));
        else std::memcpy(img_row + px * p, pat_row + px * patch_len, sizeof(T) * size_t(p));
      }
    }
  }
}

void check_args(const char* op, int64_t batch, int64_t channels, int64_t height, int64_t width, int64_t patch) {
  if (batch < 0 || channels < 0 || height < 0 || width < 0 || patch < 1)
    fail(std::string(op) + ": bad sizes (batch=" + std::to_string(batch) + ", channels=" + std::to_string(channels) +
         ", height=" + std::to_string(height) + ", width=" + std::to_string(width) + ", patch=" +
         std::to_string(patch) + ")");
  if (height % patch != 0 || width % patch != 0)
    fail(std::string(op) + ": image " + std::to_string(height) + "x" + std::to_string(width) +
         " is not divisible into patches of " + std::to_string(patch));
}

template <bool ToPatches>
void run(const char* op, int32_t dtype, int64_t batch, int64_t channels, int64_t height, int64_t width, int64_t patch,
         const void* src, void* dst) {
  check_args(op, batch, channels, height, width, patch);
  dispatch_float(dtype, op, [&](auto zero) {
    using T = decltype(zero);
    T* images = static_cast<T*>(ToPatches ? const_cast<void*>(src) : dst);
    T* patches = static_cast<T*>(ToPatches ? dst : const_cast<void*>(src));
    parallel_chunks(batch * channels * (height / patch), patch * width, [&](int64_t b, int64_t e) {
      move_bands<T, ToPatches>(b, e, channels, height, width, patch, images, patches);
    });
  });
}

}  // namespace

WP_API void wp_patchify(int32_t dtype, int64_t batch, int64_t channels, int64_t height, int64_t width, int64_t patch,
                        const void* images, void* patches) {
  run<true>("patchify", dtype, batch, channels, height, width, patch, images, patches);
}

WP_API void wp_unpatchify(int32_t dtype, int64_t batch, int64_t channels, int64_t height, int64_t width,
                          int64_t patch, const void* patches, void* images) {
  run<false>("unpatchify", dtype, batch, channels, height, width, patch, patches, images);
}
