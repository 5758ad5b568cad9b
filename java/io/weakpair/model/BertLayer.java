package io.weakpair.model;

import io.weakpair.nn.InitContext;
import io.weakpair.nn.Module;
import io.weakpair.tensor.Tensor;

/**
 * One post-norm BERT layer: self-attention over the text (padding keys masked), for a fusion
 * layer also cross-attention from the text to every image token, then the MLP; each
 * sub-layer is LN(x + f(x)).
 */
final class BertLayer extends Module {
    private final BertParts.PostNormAttention attention;
    private final BertParts.PostNormAttention crossattention; // null in a text-only layer
    private final BertParts.Intermediate intermediate;
    private final BertParts.AddNorm output;
    private final Recomputation recomputation;

    BertLayer(ModelConfig c, boolean fusion, Regularisation reg, Recomputation recomputation, InitContext ctx) {
        this.recomputation = recomputation;
        int w = c.textWidth();
        attention =
                registerModule("attention", ctx, in -> new BertParts.PostNormAttention(w, w, c.textHeads(), reg, in));
        crossattention = fusion
                ? registerModule(
                        "crossattention",
                        ctx,
                        in -> new BertParts.PostNormAttention(w, c.visionWidth(), c.textHeads(), reg, in))
                : null;
        intermediate =
                registerModule("intermediate", ctx, in -> new BertParts.Intermediate(w, c.textIntermediate(), in));
        output = registerModule("output", ctx, in -> new BertParts.AddNorm(c.textIntermediate(), w, reg, in));
    }

    boolean isFusion() {
        return crossattention != null;
    }

    /** x [B, L, W], textMask I32 [B, L]; imageTokens [B, N, W_v] for a fusion layer, else null. */
    Tensor forward(Tensor x, Tensor textMask, Tensor imageTokens) {
        // Each sub-layer is its own recomputation block: a recomputed layer holds one sub-layer's
        // activations at a time in backward, not the whole layer's.
        boolean fusion = isFusion();
        Tensor h = recomputation.block(
                "bert.attention", fusion, in -> attention.forward(in[0], in[0], in[1]), x, textMask);
        if (fusion)
            h = recomputation.block(
                    "bert.crossattention", true, in -> crossattention.forward(in[0], in[1], null), h, imageTokens);
        return recomputation.block("bert.mlp", fusion, in -> output.forward(intermediate.forward(in[0]), in[0]), h);
    }
}
