package io.weakpair.model;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.GradCheck;
import io.weakpair.testing.ScopePerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

/**
 * One block of each kind, in float64 at tiny widths, against central finite differences:
 * the gradient to the block's input (and the image tokens of a fusion block) and to every
 * parameter. The blocks are compositions of checked ops; this checks the composition.
 */
@ExtendWith(ScopePerTest.class)
class ModelGradTest {
    private final ModelConfig c = ModelFixtures.micro();
    private final Regularisation off = new Regularisation();

    @Test
    void vitBlock() {
        try (VitBlock block = new VitBlock(c.visionWidth(), c.visionHeads(), c.visionMlpRatio(), off, 11, DType.F64, Device.CPU)) {
            Tensor x = GradCheck.param(1, 2, 5, c.visionWidth());
            GradCheck.check("model vit block", in -> block.forward(in[0]), withParameters(block, x));
        }
    }

    @Test
    void bertTextLayerWithPadding() {
        try (BertLayer layer = new BertLayer(c, false, off, 12, DType.F64, Device.CPU)) {
            Tensor x = GradCheck.param(2, 2, 4, c.textWidth());
            Tensor mask = Tensor.ofInts(new int[] {1, 1, 1, 0, 1, 1, 0, 0}, 2, 4);
            GradCheck.check("model bert layer", in -> layer.forward(in[0], mask, null), withParameters(layer, x));
        }
    }

    @Test
    void fusionLayerWithCrossAttention() {
        try (BertLayer layer = new BertLayer(c, true, off, 13, DType.F64, Device.CPU)) {
            Tensor x = GradCheck.param(3, 2, 4, c.textWidth());
            Tensor image = GradCheck.param(4, 2, 3, c.visionWidth());
            Tensor mask = Tensor.ofInts(new int[] {1, 1, 0, 0, 1, 1, 1, 1}, 2, 4);
            Tensor[] inputs = withParameters(layer, x, image);
            GradCheck.check("model fusion layer", in -> layer.forward(in[0], mask, in[1]), inputs);
        }
    }

    @Test
    void patchEmbeddingAndHeadsOfTheWholeModel() {
        try (AlbefModel m = new AlbefModel(c, 14, DType.F64, Device.CPU)) {
            spread(m);
            Tensor images = GradCheck.param(5, 2, 3, c.imageHeight(), c.imageWidth());
            Tensor[] text = ModelFixtures.text(6, c, 2, 5);
            List<Tensor> inputs = new ArrayList<>(List.of(images));
            // The parameters outside the blocks (checked above): patch embedding, CLS, positions, BERT embeddings, ITM head.
            m.namedParameters().forEach((name, p) -> {
                if (name.startsWith("visual_encoder.patch_embed") || name.equals("visual_encoder.cls_token")
                        || name.equals("visual_encoder.pos_embed") || name.startsWith("text_encoder.bert.embeddings")
                        || name.startsWith("itm_head")) inputs.add(p);
            });
            GradCheck.check("model itm forward", in -> {
                Tensor tokens = m.encodeImages(in[0]);
                return m.itmLogits(m.fuse(m.encodeText(text[0], text[1]), text[1], tokens));
            }, inputs.toArray(new Tensor[0]));
        }
    }

    /**
     * The module's parameters (after spreading them: at BERT's initial scale the attention is
     * nearly uniform and the query/key gradients are so small that finite differences in
     * float64 resolve them only to ~1e-5) after the leading inputs.
     */
    private static Tensor[] withParameters(io.weakpair.nn.Module module, Tensor... leading) {
        spread(module);
        List<Tensor> all = new ArrayList<>(List.of(leading));
        // A key bias adds q.b to every score of a row, which softmax ignores: its true gradient is 0 and
        // a relative error against finite-difference noise means nothing. The other parameters are checked.
        module.namedParameters().forEach((name, p) -> {
            if (!name.endsWith("key.bias")) all.add(p);
        });
        return all.toArray(new Tensor[0]);
    }

    /** Every parameter += N(0, 0.3^2): weights large enough that no gradient is lost in rounding. */
    static void spread(io.weakpair.nn.Module module) {
        long seed = 100;
        for (Tensor p : module.namedParameters().values()) {
            double[] v = p.toDoubleArray();
            java.util.SplittableRandom rng = new java.util.SplittableRandom(seed++);
            for (int i = 0; i < v.length; i++) v[i] += 0.3 * rng.nextGaussian();
            p.backend().upload(p, v);
        }
    }
}
