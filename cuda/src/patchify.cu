// Patchify and its inverse: a pure permutation, one thread per element of the destination
// (patches[b, py * gw + px, (c * p + i) * p + j] = images[b, c, py * p + i, px * p + j]),
// consecutive threads on consecutive destination elements so the writes coalesce.
#include "kernel_util.cuh"
#include "wpc/patchify.h"

namespace wpc {
namespace {

struct PatchGeometry {
  int64_t batch, channels, height, width, p, gw, n_patches, patch_len;
};

// Offset into the image of element e of the patches tensor.
__device__ __forceinline__ int64_t image_offset(const PatchGeometry& g, int64_t e) {
  const int64_t k = e % g.patch_len;         // (c * p + i) * p + j
  const int64_t bp = e / g.patch_len;        // b * n_patches + patch
  const int64_t patch = bp % g.n_patches, b = bp / g.n_patches;
  const int64_t j = k % g.p, i = (k / g.p) % g.p, c = k / (g.p * g.p);
  const int64_t py = patch / g.gw, px = patch % g.gw;
  return ((b * g.channels + c) * g.height + py * g.p + i) * g.width + px * g.p + j;
}

// Offset into the patches of element e of the image [b, c, y, x].
__device__ __forceinline__ int64_t patch_offset(const PatchGeometry& g, int64_t e) {
  const int64_t x = e % g.width;
  const int64_t y = (e / g.width) % g.height;
  const int64_t c = (e / (g.width * g.height)) % g.channels;
  const int64_t b = e / (g.width * g.height * g.channels);
  const int64_t patch = (y / g.p) * g.gw + x / g.p;
  return (b * g.n_patches + patch) * g.patch_len + (c * g.p + y % g.p) * g.p + x % g.p;
}

template <typename T>
__global__ void patchify_kernel(PatchGeometry g, int64_t total, const T* __restrict__ images, T* __restrict__ patches) {
  for (int64_t e = global_thread(); e < total; e += global_stride()) patches[e] = images[image_offset(g, e)];
}

template <typename T>
__global__ void unpatchify_kernel(PatchGeometry g, int64_t total, const T* __restrict__ patches, T* __restrict__ images) {
  for (int64_t e = global_thread(); e < total; e += global_stride()) images[e] = patches[patch_offset(g, e)];
}

PatchGeometry geometry(const char* op, int64_t batch, int64_t channels, int64_t height, int64_t width, int64_t patch) {
  if (batch < 0 || channels < 0 || height < 0 || width < 0 || patch < 1)
    fail(std::string(op) + ": bad sizes (batch=" + std::to_string(batch) + ", channels=" + std::to_string(channels) +
         ", height=" + std::to_string(height) + ", width=" + std::to_string(width) + ", patch=" + std::to_string(patch) +
         ")");
  if (height % patch != 0 || width % patch != 0)
    fail(std::string(op) + ": image " + std::to_string(height) + "x" + std::to_string(width) +
         " is not a multiple of the patch size " + std::to_string(patch));
  const int64_t gw = width / patch;
  return PatchGeometry{batch, channels, height, width, patch, gw, (height / patch) * gw, channels * patch * patch};
}

}  // namespace
}  // namespace wpc

using namespace wpc;

WP_API void wpc_patchify(int32_t dtype, int64_t batch, int64_t channels, int64_t height, int64_t width, int64_t patch,
                         const void* images, void* patches, cudaStream_t stream) {
  const PatchGeometry g = geometry("patchify", batch, channels, height, width, patch);
  const int64_t total = batch * channels * height * width;
  if (total == 0) return;
  dispatch_float(dtype, "patchify", [&](auto zero) {
    using T = decltype(zero);
    launch("patchify", patchify_kernel<T>, grid_stride_blocks(total), kThreads, 0, stream, g, total,
           static_cast<const T*>(images), static_cast<T*>(patches));
  });
}

WP_API void wpc_unpatchify(int32_t dtype, int64_t batch, int64_t channels, int64_t height, int64_t width,
                           int64_t patch, const void* patches, void* images, cudaStream_t stream) {
  const PatchGeometry g = geometry("unpatchify", batch, channels, height, width, patch);
  const int64_t total = batch * channels * height * width;
  if (total == 0) return;
  dispatch_float(dtype, "unpatchify", [&](auto zero) {
    using T = decltype(zero);
    launch("unpatchify", unpatchify_kernel<T>, grid_stride_blocks(total), kThreads, 0, stream, g, total,
           static_cast<const T*>(patches), static_cast<T*>(images));
  });
}
