package io.weakpair.model;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import java.util.SplittableRandom;

/** Small configurations and inputs shared by the model tests. */
final class ModelFixtures {
    private ModelFixtures() {}

    /** 16x8 images in 4-pixel patches (a 4x2 grid, 9 tokens), widths 8 and 12, one layer of each kind, 2 heads. */
    static ModelConfig micro() {
        return ModelConfig.builder("custom")
                .image(16, 8)
                .patchSize(4)
                .visionWidth(8)
                .visionLayers(1)
                .visionHeads(2)
                .visionMlpRatio(2)
                .textWidth(12)
                .textLayers(1)
                .fusionLayers(1)
                .textHeads(2)
                .textIntermediate(16)
                .vocabSize(23)
                .maxPositions(10)
                .maxTokens(7)
                .embedDim(6)
                .mlmTied(true)
                .build();
    }

    static Tensor images(long seed, ModelConfig c, int b, DType dtype, Device device) {
        return Tensor.randn(seed, 1, dtype, device, b, 3, c.imageHeight(), c.imageWidth());
    }

    /** ids [T, L] with [CLS]=2 ... [SEP]=3 then padding 0, lengths varying by row; the mask marks the tokens. */
    static Tensor[] text(long seed, ModelConfig c, int t, int l) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] ids = new int[t * l], mask = new int[t * l];
        for (int r = 0; r < t; r++) {
            int len = 2 + rng.nextInt(l - 1);
            for (int j = 0; j < len; j++) {
                ids[r * l + j] = j == 0 ? 2 : j == len - 1 ? 3 : 5 + rng.nextInt(c.vocabSize() - 5);
                mask[r * l + j] = 1;
            }
        }
        return new Tensor[] {Tensor.ofInts(ids, t, l), Tensor.ofInts(mask, t, l)};
    }
}
