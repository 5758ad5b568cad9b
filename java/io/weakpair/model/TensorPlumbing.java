package io.weakpair.model;

import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;

/**
 * Tensor plumbing shared by the model's layers: splitting a width into attention heads and
 * back (the ViT and BERT attentions), the first token of each sequence, and closing handles early.
 */
final class TensorPlumbing {
    private TensorPlumbing() {}

    /** [B, L, H * Dh] to [B, H, L, Dh]. */
    static Tensor split(Tensor x, int heads) {
        int b = x.dim(0), l = x.dim(1), w = x.dim(2);
        Tensor grouped = F.reshape(x, b, l, heads, w / heads);
        Tensor split = F.permute(grouped, 0, 2, 1, 3);
        grouped.close(); // only a handle: the permuted view keeps the memory, and the permute's backward reads no data
        return split;
    }

    /**
     * Closes handles the forward no longer needs and no backward reads (an attention's input
     * projections and their head views: attention keeps contiguous copies of its own), so their
     * memory is freed now rather than when the step's scope ends, as PyTorch frees a tensor
     * once nothing holds it. A handle some node still reads must not be passed here.
     */
    static void release(Tensor... handles) {
        for (Tensor t : handles) t.close();
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
