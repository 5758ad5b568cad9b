package io.weakpair.model;

import io.weakpair.nn.InitContext;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.GradCheck;
import io.weakpair.testing.ScopePerTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One block of each kind, in float64 at tiny widths, against central finite differences:
 * the gradient to the block's input (and the image tokens of a fusion block) and to every
 * parameter. The blocks are compositions of checked ops; this checks the composition.
 */
@ExtendWith(ScopePerTest.class)
class ModelGradTest {
    private final ModelConfig c = ModelFixtures.micro();
    private final Regularisation off = new Regularisation();

    /** Every recomputation mode: the recomputed blocks' backward (run the block again, backpropagate through it) is checked too. */
    @ParameterizedTest
    @EnumSource(Recomputation.Mode.class)
    void vitBlock(Recomputation.Mode mode) {
        try (VitBlock block = new VitBlock(
                c.visionWidth(),
                c.visionHeads(),
                c.visionMlpRatio(),
                off,
                recomputing(off, mode),
                new InitContext(11, DType.F64, Device.CPU))) {
            Tensor x = GradCheck.param(1, 2, 5, c.visionWidth());
            GradCheck.check(
                    "model vit block, recompute " + mode.key(), in -> block.forward(in[0]), withParameters(block, x));
        }
    }

    @ParameterizedTest
    @EnumSource(Recomputation.Mode.class)
    void bertTextLayerWithPadding(Recomputation.Mode mode) {
        try (BertLayer layer =
                new BertLayer(c, false, off, recomputing(off, mode), new InitContext(12, DType.F64, Device.CPU))) {
            Tensor x = GradCheck.param(2, 2, 4, c.textWidth());
            Tensor mask = Tensor.ofInts(new int[] {1, 1, 1, 0, 1, 1, 0, 0}, 2, 4);
            GradCheck.check(
                    "model bert layer, recompute " + mode.key(),
                    in -> layer.forward(in[0], mask, null),
                    withParameters(layer, x));
        }
    }

    @ParameterizedTest
    @EnumSource(Recomputation.Mode.class)
    void fusionLayerWithCrossAttention(Recomputation.Mode mode) {
        try (BertLayer layer =
                new BertLayer(c, true, off, recomputing(off, mode), new InitContext(13, DType.F64, Device.CPU))) {
            Tensor x = GradCheck.param(3, 2, 4, c.textWidth());
            Tensor image = GradCheck.param(4, 2, 3, c.visionWidth());
            Tensor mask = Tensor.ofInts(new int[] {1, 1, 0, 0, 1, 1, 1, 1}, 2, 4);
            Tensor[] inputs = withParameters(layer, x, image);
            GradCheck.check(
                    "model fusion layer, recompute " + mode.key(), in -> layer.forward(in[0], mask, in[1]), inputs);
        }
    }

    /**
     * With dropout and drop-path on, a recomputed block must draw the masks of its first run
     * again: each evaluation reseeds the stream, so the function is fixed, and a backward that
     * recomputed with fresh masks would not match the finite differences.
     */
    @ParameterizedTest
    @EnumSource(
            value = Recomputation.Mode.class,
            names = {"NONE", "ALL"})
    void recomputedBlocksReplayTheirMasks(Recomputation.Mode mode) {
        Regularisation reg = new Regularisation().configure(0.3, 0.4);
        Recomputation recomputation = recomputing(reg, mode);
        try (VitBlock block = new VitBlock(
                        c.visionWidth(),
                        c.visionHeads(),
                        c.visionMlpRatio(),
                        reg,
                        recomputation,
                        new InitContext(15, DType.F64, Device.CPU));
                BertLayer layer =
                        new BertLayer(c, true, reg, recomputation, new InitContext(16, DType.F64, Device.CPU))) {
            Tensor x = GradCheck.param(7, 3, 4, c.visionWidth());
            Tensor text = GradCheck.param(8, 3, 4, c.textWidth());
            Tensor mask = Tensor.ofInts(new int[] {1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0}, 3, 4);
            List<Tensor> inputs = new ArrayList<>(List.of(withParameters(block, x)));
            inputs.addAll(List.of(withParameters(layer, text)));
            GradCheck.check(
                    "blocks with dropout, recompute " + mode.key(),
                    in -> {
                        reg.reseed(21);
                        return layer.forward(in[inputs.indexOf(text)], mask, block.forward(in[0]));
                    },
                    inputs.toArray(new Tensor[0]));
        }
    }

    private static Recomputation recomputing(Regularisation reg, Recomputation.Mode mode) {
        Recomputation r = new Recomputation(reg);
        r.setMode(mode);
        return r;
    }

    @Test
    void patchEmbeddingAndHeadsOfTheWholeModel() {
        try (AlbefModel m = new AlbefModel(c, 14, DType.F64, Device.CPU)) {
            spread(m);
            Tensor images = GradCheck.param(5, 2, 3, c.imageHeight(), c.imageWidth());
            Tensor[] text = ModelFixtures.text(6, c, 2, 5);
            List<Tensor> inputs = new ArrayList<>(List.of(images));
            // The parameters outside the blocks (checked above): patch embedding, CLS, positions, BERT embeddings, ITM
            // head.
            m.namedParameters().forEach((name, p) -> {
                if (name.startsWith("visual_encoder.patch_embed")
                        || name.equals("visual_encoder.cls_token")
                        || name.equals("visual_encoder.pos_embed")
                        || name.startsWith("text_encoder.bert.embeddings")
                        || name.startsWith("itm_head")) inputs.add(p);
            });
            GradCheck.check(
                    "model itm forward",
                    in -> {
                        Tensor tokens = m.encodeImages(in[0]);
                        return m.itmLogits(m.fuse(m.encodeText(text[0], text[1]), text[1], tokens));
                    },
                    inputs.toArray(new Tensor[0]));
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
