package io.weakpair.model;

import io.weakpair.nn.Init;
import io.weakpair.nn.InitContext;
import io.weakpair.nn.Module;
import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;

/**
 * The ViT patch embedding, a convolution with kernel = stride = patch ({@code proj.weight}
 * [W, 3, p, p] as PyTorch stores it): a linear map of each non-overlapping patch, computed as
 * {@code linear(patchify(images), weight viewed [W, 3 p p])}.
 */
final class PatchEmbedding extends Module {
    private final int patch;
    private final int width;
    private final Projection proj;

    /** The convolution's parameters under the names timm gives them ({@code proj.weight}, {@code proj.bias}). */
    static final class Projection extends Module {
        final Tensor weight;
        final Tensor bias;

        Projection(int width, int channels, int patch, InitContext ctx) {
            // PyTorch's Conv2d default (kept by timm's ViT): uniform in +-1/sqrt(fan_in).
            Init uniform = Init.uniform(1.0 / Math.sqrt(channels * patch * patch));
            weight = registerParameter("weight", ctx, uniform, width, channels, patch, patch);
            bias = registerParameter("bias", ctx, uniform, width);
        }
    }

    PatchEmbedding(int width, int patch, InitContext ctx) {
        this.patch = patch;
        this.width = width;
        this.proj = registerModule("proj", ctx, c -> new Projection(width, 3, patch, c));
    }

    /** images [B, 3, H, W] to patch tokens [B, (H/p)(W/p), width], patches in row-major order. */
    Tensor forward(Tensor images) {
        Tensor w = F.reshape(proj.weight, width, 3 * patch * patch);
        return F.linear(F.patchify(images, patch), w, proj.bias);
    }
}
