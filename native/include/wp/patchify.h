/* Non-overlapping square patches of images, as a ViT's patch embedding reads them. */
#pragma once
#include "wp/common.h"

/* images [batch, channels, height, width] -> patches [batch, (height/p) * (width/p), channels*p*p]:
 *   patches[b, py * (width/p) + px, (c * p + i) * p + j] = images[b, c, py * p + i, px * p + j]
 * i.e. patches in row-major grid order, each flattened in (channel, row, column) order, the
 * order of a conv weight [out, channels, p, p]. height and width must be multiples of p. */
WP_API void wp_patchify(int32_t dtype, int64_t batch, int64_t channels, int64_t height, int64_t width, int64_t patch,
                        const void* images, void* patches);

/* The adjoint (and inverse: the patches tile the image exactly) of wp_patchify: every image
 * element is written once from its patch entry. */
WP_API void wp_unpatchify(int32_t dtype, int64_t batch, int64_t channels, int64_t height, int64_t width,
                          int64_t patch, const void* patches, void* images);
