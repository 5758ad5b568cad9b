package io.weakpair.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A freshly built model's parameters are pinned bit for bit: every name, in registration order,
 * its shape and every value's bits feed one SHA-256, and the digests below were computed before
 * the construction code was reorganised (init context, seeds derived from registered names,
 * presets as named fields). A change to any parameter's seed, initialiser, shape, name or order
 * changes the digest, and with it every run from scratch and every resumed run's optimiser state.
 */
@ExtendWith(ScopePerTest.class)
class InitFingerprintTest {
    private static final long SEED = 42;

    static String fingerprint(Map<String, Tensor> state) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Tensor t = e.getValue();
            sha.update((e.getKey() + " " + t.dtype() + Arrays.toString(t.shape()) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            float[] values = t.toFloatArray();
            ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) bytes.putInt(Float.floatToRawIntBits(v));
            sha.update(bytes.array());
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String build(ModelConfig c) throws Exception {
        try (AlbefModel m = new AlbefModel(c, SEED, DType.F32, Device.CPU)) {
            return fingerprint(m.stateDict());
        }
    }

    @Test
    void tinyPresetStartsFromTheSameParameters() throws Exception {
        assertEquals(
                "b55cc44e987e7ae2ab0aaeaf9a4559c4272419a355e914aadd22d4830ee421ca", build(ModelConfig.preset("tiny")));
    }

    @Test
    void smallPresetStartsFromTheSameParameters() throws Exception {
        assertEquals(
                "ca33984274efabcd3fd3e79502aadeced9e8f7cb6c68d75ea6c395b58738f94b", build(ModelConfig.preset("small")));
    }

    /** The presets' numbers, as the positional constructor had them before the presets were written field by field. */
    @Test
    void presetsKeepTheirNumbers() {
        assertEquals(
                new ModelConfig("tiny", 128, 48, 16, 128, 2, 4, 4, 128, 2, 2, 4, 512, 4096, 32, 32, 128, true),
                ModelConfig.preset("tiny"));
        assertEquals(
                new ModelConfig("small", 192, 64, 16, 256, 4, 4, 4, 256, 3, 3, 4, 1024, 8192, 40, 40, 256, true),
                ModelConfig.preset("small"));
        assertEquals(
                new ModelConfig("base", 384, 128, 16, 768, 12, 12, 4, 768, 6, 6, 12, 3072, 30522, 512, 50, 256, true),
                ModelConfig.preset("base"));
        ModelConfig tiny = ModelConfig.preset("tiny");
        assertEquals(tiny, tiny.toBuilder().build());
        assertEquals(tiny, ModelConfig.fromMetadata(tiny.toMetadata(), "tiny"));
    }

    /** The shipped pre-trained model loads, strictly, into a fresh tiny preset: the same names and shapes. */
    @Test
    void theShippedModelLoadsIntoTheTinyPreset() throws Exception {
        ModelCheckpoint.WithVocabulary shipped =
                ModelCheckpoint.loadWithVocabulary(ShippedModels.pretrainedTiny(), Device.CPU);
        try (AlbefModel loaded = shipped.model();
                AlbefModel fresh = new AlbefModel(
                        ModelConfig.preset("tiny")
                                .withVocabSize(shipped.vocabulary().size()),
                        SEED,
                        DType.F32,
                        Device.CPU)) {
            assertEquals(shapes(loaded.stateDict()), shapes(fresh.stateDict()));
            fresh.load(ShippedModels.pretrainedTiny(), true);
            assertEquals(
                    fingerprint(loaded.stateDict()), fingerprint(fresh.stateDict()), "every value taken from the file");
        }
    }

    private static Map<String, String> shapes(Map<String, Tensor> state) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        state.forEach((name, t) -> out.put(name, t.dtype() + Arrays.toString(t.shape())));
        return out;
    }

    /** An untied MLM decoder has a weight of its own, seeded by its own name: pinned too. */
    @Test
    void untiedDecoderStartsFromTheSameParameters() throws Exception {
        ModelConfig untied = ModelFixtures.micro().toBuilder().mlmTied(false).build();
        assertEquals("3f2d03ebc73957712b5e53c6f2ea50c3e68987200f4f8578df65251bbb3ff9c8", build(untied));
    }
}
