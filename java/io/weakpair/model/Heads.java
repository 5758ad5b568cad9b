package io.weakpair.model;

import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;

/** Splitting a width into attention heads and back, shared by the ViT and BERT attentions. */
final class Heads {
    private Heads() {}

    /** [B, L, H * Dh] to [B, H, L, Dh]. */
    static Tensor split(Tensor x, int heads) {
        int b = x.dim(0), l = x.dim(1), w = x.dim(2);
        return F.permute(F.reshape(x, b, l, heads, w / heads), 0, 2, 1, 3);
    }

    /** [B, H, L, Dh] to [B, L, H * Dh]. */
    static Tensor merge(Tensor x) {
        int b = x.dim(0), h = x.dim(1), l = x.dim(2), dh = x.dim(3);
        return F.reshape(F.permute(x, 0, 2, 1, 3), b, l, h * dh);
    }

    /** The first token of each sequence: [B, L, W] to [B, W]. */
    static Tensor first(Tensor x) {
        return F.reshape(F.slice(x, 1, 0, 1), x.dim(0), x.dim(2));
    }
}
