package io.weakpair.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.GradMode;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The model's modules: output shapes, ALBEF's parameter names and shapes, tying, padding and presets. */
@ExtendWith(ScopePerTest.class)
class ModelShapesTest {
    @Test
    void everyModuleGivesTheDocumentedShapes() {
        ModelConfig c = ModelFixtures.micro();
        try (AlbefModel m = new AlbefModel(c, 1, DType.F32, Device.CPU);
                GradMode off = GradMode.off()) {
            Tensor img = m.encodeImages(ModelFixtures.images(1, c, 3, DType.F32, Device.CPU));
            assertArrayEquals(new int[] {3, c.imageTokens(), c.visionWidth()}, img.shape());
            Tensor[] txt = ModelFixtures.text(2, c, 5, 7);
            Tensor hidden = m.encodeText(txt[0], txt[1]);
            assertArrayEquals(new int[] {5, 7, c.textWidth()}, hidden.shape());
            assertArrayEquals(
                    new int[] {3, c.embedDim()}, m.imageProjection(img).shape());
            assertArrayEquals(
                    new int[] {5, c.embedDim()}, m.textProjection(hidden).shape());
            Tensor pairsImg = AlbefModel.gatherRows(img, Tensor.ofInts(new int[] {0, 2, 2, 1}, 4));
            Tensor pairsTxt = AlbefModel.gatherRows(hidden, Tensor.ofInts(new int[] {4, 0, 1, 1}, 4));
            Tensor mask = EmbedContract.gatherMask(txt[1], new int[] {4, 0, 1, 1});
            Tensor fused = m.fuse(pairsTxt, mask, pairsImg);
            assertArrayEquals(new int[] {4, 7, c.textWidth()}, fused.shape());
            assertArrayEquals(new int[] {4, 2}, m.itmLogits(fused).shape());
            assertArrayEquals(
                    new int[] {4, 7, c.vocabSize()}, m.mlmLogits(fused).shape());
            assertArrayEquals(new int[] {}, m.temperature().shape());
            assertEquals(0.07, m.temperature().item(), 1e-7);
        }
    }

    @Test
    void parameterNamesFollowAlbefsStateDict() {
        ModelConfig c = ModelFixtures.micro();
        try (AlbefModel m = new AlbefModel(c, 1, DType.F32, Device.CPU)) {
            Map<String, Tensor> sd = m.stateDict();
            int w = c.visionWidth(), t = c.textWidth();
            assertShape(sd, "visual_encoder.cls_token", 1, 1, w);
            assertShape(sd, "visual_encoder.pos_embed", 1, c.imageTokens(), w);
            assertShape(sd, "visual_encoder.patch_embed.proj.weight", w, 3, c.patchSize(), c.patchSize());
            assertShape(sd, "visual_encoder.patch_embed.proj.bias", w);
            assertShape(sd, "visual_encoder.blocks.0.attn.qkv.weight", 3 * w, w);
            assertShape(sd, "visual_encoder.blocks.0.mlp.fc1.weight", c.visionMlpRatio() * w, w);
            assertShape(sd, "visual_encoder.norm.weight", w);
            assertShape(sd, "text_encoder.bert.embeddings.word_embeddings.weight", c.vocabSize(), t);
            assertShape(sd, "text_encoder.bert.embeddings.position_embeddings.weight", c.maxPositions(), t);
            assertShape(sd, "text_encoder.bert.embeddings.token_type_embeddings.weight", 2, t);
            assertShape(sd, "text_encoder.bert.embeddings.LayerNorm.bias", t);
            assertShape(sd, "text_encoder.bert.encoder.layer.0.attention.self.query.weight", t, t);
            assertShape(sd, "text_encoder.bert.encoder.layer.0.attention.output.LayerNorm.weight", t);
            assertShape(sd, "text_encoder.bert.encoder.layer.0.intermediate.dense.weight", c.textIntermediate(), t);
            assertShape(sd, "text_encoder.bert.encoder.layer.0.output.dense.weight", t, c.textIntermediate());
            assertShape(sd, "text_encoder.bert.encoder.layer.1.crossattention.self.key.weight", t, w);
            assertShape(sd, "text_encoder.bert.encoder.layer.1.crossattention.output.dense.bias", t);
            assertShape(sd, "text_encoder.cls.predictions.transform.dense.weight", t, t);
            assertShape(sd, "text_encoder.cls.predictions.transform.LayerNorm.weight", t);
            assertShape(sd, "text_encoder.cls.predictions.decoder.weight", c.vocabSize(), t);
            assertShape(sd, "text_encoder.cls.predictions.bias", c.vocabSize());
            assertShape(sd, "vision_proj.weight", c.embedDim(), w);
            assertShape(sd, "text_proj.weight", c.embedDim(), t);
            assertShape(sd, "itm_head.weight", 2, t);
            assertShape(sd, "temp");
            assertTrue(
                    sd.keySet().stream().noneMatch(n -> n.contains("layer.0.crossattention")),
                    "text-only layers have no cross-attention");
            // BERT ties the MLM decoder to the word embeddings: one tensor, listed once for the optimiser.
            assertSame(
                    sd.get("text_encoder.bert.embeddings.word_embeddings.weight"),
                    sd.get("text_encoder.cls.predictions.decoder.weight"));
            assertEquals(sd.size() - 1, m.namedParameters().size());
        }
    }

    private static void assertShape(Map<String, Tensor> sd, String name, int... shape) {
        Tensor t = sd.get(name);
        assertTrue(t != null, "missing " + name + "; have " + sd.keySet());
        assertArrayEquals(shape, t.shape(), name);
    }

    @Test
    void paddingDoesNotChangeTheTokensBeforeIt() {
        ModelConfig c = ModelFixtures.micro();
        try (AlbefModel m = new AlbefModel(c, 3, DType.F64, Device.CPU);
                GradMode off = GradMode.off()) {
            Tensor shortIds = Tensor.ofInts(new int[] {2, 7, 9, 3}, 1, 4),
                    shortMask = Tensor.ofInts(new int[] {1, 1, 1, 1}, 1, 4);
            Tensor longIds = Tensor.ofInts(new int[] {2, 7, 9, 3, 0, 0, 11}, 1, 7),
                    longMask = Tensor.ofInts(new int[] {1, 1, 1, 1, 0, 0, 0}, 1, 7);
            double[] a = m.textProjection(m.encodeText(shortIds, shortMask)).toDoubleArray();
            double[] b = m.textProjection(m.encodeText(longIds, longMask)).toDoubleArray();
            assertArrayEquals(a, b, 1e-12);
            // ...while a token the mask admits does change it.
            Tensor openMask = Tensor.ofInts(new int[] {1, 1, 1, 1, 0, 0, 1}, 1, 7);
            assertNotEquals(
                    a[0], m.textProjection(m.encodeText(longIds, openMask)).toDoubleArray()[0], 1e-9);
        }
    }

    @Test
    void dropoutActsOnlyInTrainingMode() {
        ModelConfig c = ModelFixtures.micro();
        try (AlbefModel m = new AlbefModel(c, 3, DType.F32, Device.CPU);
                GradMode off = GradMode.off()) {
            m.regularisation().configure(0.3, 0.2);
            Tensor x = ModelFixtures.images(5, c, 4, DType.F32, Device.CPU);
            m.eval();
            float[] e1 = m.encodeImages(x).toFloatArray(),
                    e2 = m.encodeImages(x).toFloatArray();
            assertArrayEquals(e1, e2);
            m.train(true);
            m.regularisation().reseed(1);
            float[] t1 = m.encodeImages(x).toFloatArray();
            assertTrue(!Arrays.equals(e1, t1), "drop-path changes training outputs");
            m.regularisation().reseed(1);
            assertArrayEquals(t1, m.encodeImages(x).toFloatArray(), "the same seed gives the same masks");
        }
    }

    @Test
    void presetsBuildWithTheirDocumentedSizes() {
        ModelConfig tiny = ModelConfig.preset("tiny");
        assertEquals(128, tiny.imageHeight());
        assertEquals(48, tiny.imageWidth());
        assertEquals(8 * 3 + 1, tiny.imageTokens());
        ModelConfig base = ModelConfig.preset("base");
        assertEquals(24 * 8 + 1, base.imageTokens());
        assertEquals(30522, base.vocabSize());
        assertEquals(6, base.textLayers());
        assertEquals(6, base.fusionLayers());
        try (AlbefModel m = new AlbefModel(tiny.withVocabSize(500), 0, DType.F32, Device.CPU)) {
            assertTrue(
                    m.parameterCount() > 500_000 && m.parameterCount() < 5_000_000, "tiny has " + m.parameterCount());
            assertEquals(
                    tiny.visionLayers(),
                    m.stateDict().keySet().stream()
                            .filter(n -> n.endsWith("attn.qkv.weight"))
                            .count());
        }
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.preset("huge"));
    }

    @Test
    void misuseIsAnErrorNamingTheInput() {
        ModelConfig c = ModelFixtures.micro();
        try (AlbefModel m = new AlbefModel(c, 1, DType.F32, Device.CPU)) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> m.encodeImages(Tensor.zeros(DType.F32, 1, 3, 8, 8)));
            assertTrue(e.getMessage().contains("[batch, 3, 16, 8]"), e.getMessage());
            Tensor ids = Tensor.ofInts(new int[] {2, 99}, 1, 2), mask = Tensor.ofInts(new int[] {1, 1}, 1, 2);
            e = assertThrows(IllegalArgumentException.class, () -> m.encodeText(ids, mask));
            assertTrue(e.getMessage().contains("99"), e.getMessage());
            e = assertThrows(
                    IllegalArgumentException.class,
                    () -> m.encodeText(Tensor.zeros(DType.I32, 1, 11), Tensor.zeros(DType.I32, 1, 11)));
            assertTrue(e.getMessage().contains("positions"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> m.encodeText(ids, null));
        }
        assertThrows(IllegalArgumentException.class, () -> c.withImageSize(17, 8));
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelFixtures.micro().toBuilder().visionWidth(9).build());
    }
}
