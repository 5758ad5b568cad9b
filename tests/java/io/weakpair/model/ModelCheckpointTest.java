package io.weakpair.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.GradMode;
import io.weakpair.io.Safetensors;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints: self-describing, bit-identical round trips, every malformed case a named error, resizing. */
@ExtendWith(ScopePerTest.class)
class ModelCheckpointTest {
    @TempDir
    Path dir;

    private final ModelConfig c = ModelFixtures.micro();

    @Test
    void saveThenLoadIsBitIdenticalAndRebuildsTheModelFromTheFileAlone() throws IOException {
        Path ck = dir.resolve("m.safetensors");
        try (AlbefModel m = new AlbefModel(c, 7, DType.F32, Device.CPU)) {
            ModelCheckpoint.save(m, ck, Map.of("note", "test"));
            assertEquals(c, ModelCheckpoint.readConfig(ck));
            assertEquals("test", ModelCheckpoint.readMetadata(ck).get("note"));
            try (AlbefModel back = ModelCheckpoint.load(ck, Device.CPU)) {
                assertEquals(c, back.config());
                for (Map.Entry<String, Tensor> e : m.stateDict().entrySet())
                    assertArrayEquals(
                            e.getValue().toFloatArray(),
                            back.stateDict().get(e.getKey()).toFloatArray(),
                            e.getKey());
                // ...and computes the same thing.
                try (GradMode off = GradMode.off()) {
                    Tensor x = ModelFixtures.images(1, c, 2, DType.F32, Device.CPU);
                    m.eval();
                    back.eval();
                    assertArrayEquals(
                            m.imageProjection(m.encodeImages(x)).toFloatArray(),
                            back.imageProjection(back.encodeImages(x)).toFloatArray());
                }
            }
        }
    }

    @Test
    void missingExtraAndMisshapenTensorsAreNamed() throws IOException {
        Path good = dir.resolve("good.safetensors");
        try (AlbefModel m = new AlbefModel(c, 7, DType.F32, Device.CPU)) {
            ModelCheckpoint.save(m, good);
        }
        Map<String, String> meta = c.toMetadata();
        Map<String, Tensor> tensors = readAll(good);

        Map<String, Tensor> missing = new LinkedHashMap<>(tensors);
        missing.remove("itm_head.bias");
        assertError(write("missing", missing, meta), "itm_head.bias", "missing");

        Map<String, Tensor> extra = new LinkedHashMap<>(tensors);
        extra.put("visual_encoder_m.cls_token", Tensor.zeros(DType.F32, 1, 1, c.visionWidth()));
        assertError(write("extra", extra, meta), "visual_encoder_m.cls_token", "unexpected");

        Map<String, Tensor> shape = new LinkedHashMap<>(tensors);
        shape.put("vision_proj.weight", Tensor.zeros(DType.F32, c.embedDim() + 1, c.visionWidth()));
        assertError(write("shape", shape, meta), "vision_proj.weight", "[7, 8]", "[6, 8]");
    }

    @Test
    void badMetadataIsNamedByKey() throws IOException {
        Path good = dir.resolve("good.safetensors");
        try (AlbefModel m = new AlbefModel(c, 7, DType.F32, Device.CPU)) {
            ModelCheckpoint.save(m, good);
        }
        Map<String, Tensor> tensors = readAll(good);
        Map<String, String> noKey = new HashMap<>(c.toMetadata());
        noKey.remove("text_heads");
        assertError(write("nokey", tensors, noKey), "'text_heads'", "missing");
        Map<String, String> notNumber = new HashMap<>(c.toMetadata());
        notNumber.put("vision_width", "eight");
        assertError(write("nan", tensors, notNumber), "'vision_width'", "eight");
        Map<String, String> otherFormat = new HashMap<>(c.toMetadata());
        otherFormat.put("format", "something-else");
        assertError(write("format", tensors, otherFormat), "format", "something-else");
        assertError(write("none", tensors, Map.of()), "not a weakpair model checkpoint");
        Map<String, String> inconsistent = new HashMap<>(c.toMetadata());
        inconsistent.put("text_heads", "5");
        assertError(write("heads", tensors, inconsistent), "text_width 12 is not divisible by text_heads 5");
        assertError(dir, "is a directory");
        assertError(dir.resolve("absent.safetensors"), "not found");
    }

    @Test
    void anotherImageSizeResizesThePositionEmbeddingsKeepingCls() throws IOException {
        Path ck = dir.resolve("m.safetensors");
        try (AlbefModel m = new AlbefModel(c, 7, DType.F32, Device.CPU)) {
            ModelCheckpoint.save(m, ck);
            float[] pos = m.stateDict().get("visual_encoder.pos_embed").toFloatArray();
            try (AlbefModel big = ModelCheckpoint.load(ck, Device.CPU, 24, 16)) {
                assertEquals(6 * 4 + 1, big.config().imageTokens());
                float[] resized =
                        big.stateDict().get("visual_encoder.pos_embed").toFloatArray();
                assertEquals(25 * c.visionWidth(), resized.length);
                for (int i = 0; i < c.visionWidth(); i++) assertEquals(pos[i], resized[i], "CLS position kept");
                assertArrayEquals(
                        m.stateDict()
                                .get("visual_encoder.blocks.0.attn.qkv.weight")
                                .toFloatArray(),
                        big.stateDict()
                                .get("visual_encoder.blocks.0.attn.qkv.weight")
                                .toFloatArray());
                try (GradMode off = GradMode.off()) {
                    assertArrayEquals(
                            new int[] {1, 25, c.visionWidth()},
                            big.encodeImages(Tensor.zeros(DType.F32, 1, 3, 24, 16))
                                    .shape());
                }
            }
            assertError(ck, 17, 8, "not a whole number of 4-pixel patches");
        }
    }

    private static Map<String, Tensor> readAll(Path file) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (var r = Safetensors.open(file)) {
            for (String name : r.entries().keySet()) out.put(name, r.read(name));
        }
        return out;
    }

    private Path write(String name, Map<String, Tensor> tensors, Map<String, String> meta) throws IOException {
        Path p = dir.resolve(name + ".safetensors");
        Safetensors.write(p, tensors, meta);
        return p;
    }

    private static void assertError(Path file, String... fragments) {
        assertError(file, 0, 0, fragments);
    }

    private static void assertError(Path file, int h, int w, String... fragments) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ModelCheckpoint.load(file, Device.CPU, h, w));
        for (String f : fragments) assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
    }
}
