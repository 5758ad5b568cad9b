package io.weakpair.model;

import io.weakpair.nn.Init;
import io.weakpair.nn.InitContext;
import io.weakpair.nn.LayerNorm;
import io.weakpair.nn.Module;
import io.weakpair.nn.ModuleList;
import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;
import java.util.List;

/**
 * The image encoder (ALBEF's {@code visual_encoder}, timm's VisionTransformer): patch
 * embedding, a learnable CLS token prepended, learnable position embeddings added,
 * pre-norm blocks, a final LayerNorm. Output: every token, CLS first.
 */
public final class VisionTransformer extends Module {
    /** timm's trunc_normal_(std=.02): its cut is at +-2 in absolute terms, i.e. 100 standard deviations. */
    static final Init TRUNC_NORMAL = Init.truncatedNormal(0.02, -2, 2);

    private final ModelConfig config;
    private final Tensor clsToken;
    private final Tensor posEmbed;
    private final PatchEmbedding patchEmbed;
    private final ModuleList<VitBlock> blocks;
    private final LayerNorm norm;

    VisionTransformer(ModelConfig c, Regularisation reg, Recomputation recomputation, InitContext ctx) {
        this.config = c;
        int w = c.visionWidth();
        clsToken = registerParameter("cls_token", ctx, TRUNC_NORMAL, 1, 1, w);
        posEmbed = registerParameter("pos_embed", ctx, TRUNC_NORMAL, 1, c.imageTokens(), w);
        patchEmbed = registerModule("patch_embed", ctx, in -> new PatchEmbedding(w, c.patchSize(), in));
        blocks = registerList(
                "blocks",
                c.visionLayers(),
                ctx,
                (i, in) -> new VitBlock(w, c.visionHeads(), c.visionMlpRatio(), reg, recomputation, in));
        norm = registerModule("norm", new LayerNorm(w, VitBlock.EPS, ctx.dtype(), ctx.device()));
    }

    /** What takes no weight decay beyond the vectors (timm's {@code no_weight_decay()}): the position embeddings and the CLS token. */
    List<Tensor> noWeightDecay() {
        return List.of(posEmbed, clsToken);
    }

    /** images [B, 3, H, W] (H and W the configured size) to tokens [B, 1 + patches, width]. */
    public Tensor forward(Tensor images) {
        checkOpen();
        if (images.rank() != 4
                || images.dim(1) != 3
                || images.dim(2) != config.imageHeight()
                || images.dim(3) != config.imageWidth())
            throw new IllegalArgumentException("visual_encoder: images " + images.describe() + " must be [batch, 3, "
                    + config.imageHeight() + ", " + config.imageWidth() + "]");
        int b = images.dim(0), w = config.visionWidth();
        Tensor patches = patchEmbed.forward(images);
        Tensor cls =
                F.add(Tensor.zeros(images.dtype(), images.device(), b, 1, w), clsToken); // broadcast over the batch
        Tensor x = F.add(F.concat(List.of(cls, patches), 1), posEmbed);
        for (VitBlock block : blocks) x = block.forward(x);
        return norm.forward(x);
    }
}
