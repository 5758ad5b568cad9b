package io.weakpair.model;

import io.weakpair.nn.Init;
import io.weakpair.nn.LayerNorm;
import io.weakpair.nn.Module;
import io.weakpair.nn.ModuleList;
import io.weakpair.nn.Seeds;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
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

    VisionTransformer(ModelConfig c, Regularisation reg, Recomputation recomputation, long seed, DType dtype, Device device) {
        this.config = c;
        int w = c.visionWidth();
        clsToken = registerParameter("cls_token", TRUNC_NORMAL.create(Seeds.derive(seed, "cls_token"), dtype, device, 1, 1, w));
        posEmbed = registerParameter("pos_embed",
                TRUNC_NORMAL.create(Seeds.derive(seed, "pos_embed"), dtype, device, 1, c.imageTokens(), w));
        patchEmbed = registerModule("patch_embed", new PatchEmbedding(w, c.patchSize(), Seeds.derive(seed, "patch_embed"), dtype, device));
        blocks = registerModule("blocks", new ModuleList<>());
        for (int i = 0; i < c.visionLayers(); i++)
            blocks.add(new VitBlock(w, c.visionHeads(), c.visionMlpRatio(), reg, recomputation, Seeds.derive(seed, "blocks." + i), dtype, device));
        norm = registerModule("norm", new LayerNorm(w, VitBlock.EPS, dtype, device));
    }

    /** images [B, 3, H, W] (H and W the configured size) to tokens [B, 1 + patches, width]. */
    public Tensor forward(Tensor images) {
        checkOpen();
        if (images.rank() != 4 || images.dim(1) != 3 || images.dim(2) != config.imageHeight() || images.dim(3) != config.imageWidth())
            throw new IllegalArgumentException("visual_encoder: images " + images.describe() + " must be [batch, 3, "
                    + config.imageHeight() + ", " + config.imageWidth() + "]");
        int b = images.dim(0), w = config.visionWidth();
        Tensor patches = patchEmbed.forward(images);
        Tensor cls = F.add(Tensor.zeros(images.dtype(), images.device(), b, 1, w), clsToken);  // broadcast over the batch
        Tensor x = F.add(F.concat(List.of(cls, patches), 1), posEmbed);
        for (VitBlock block : blocks) x = block.forward(x);
        return norm.forward(x);
    }
}
