/* Image patches on the GPU: the CUDA twin of wp/patchify.h (same layout). */
#pragma once
#include "wpc/common.h"

WP_API void wpc_patchify(int32_t dtype, int64_t batch, int64_t channels, int64_t height, int64_t width, int64_t patch,
                         const void* images, void* patches, cudaStream_t stream);

WP_API void wpc_unpatchify(int32_t dtype, int64_t batch, int64_t channels, int64_t height, int64_t width,
                           int64_t patch, const void* patches, void* images, cudaStream_t stream);
