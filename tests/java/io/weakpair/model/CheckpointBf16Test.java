package io.weakpair.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny model saved with its weights in BF16 and loaded back into an F32 model: the file is
 * BF16 throughout (checked from its own header), about half the F32 size, and every loaded
 * value is the round-to-nearest-even BF16 of the original (reference rounding written here).
 */
@ExtendWith(ScopePerTest.class)
class CheckpointBf16Test {
    @TempDir
    Path dir;

    /** Round to nearest even from the bit pattern (finite inputs: model weights). */
    private static float roundedToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        int kept = bits >>> 16, dropped = bits & 0xffff;
        if (dropped > 0x8000 || (dropped == 0x8000 && (kept & 1) == 1)) kept++;
        return Float.intBitsToFloat(kept << 16);
    }

    @Test
    void tinyModelRoundTripsThroughABf16Checkpoint() throws IOException {
        ModelConfig config = ModelConfig.preset("tiny");
        Path f32 = dir.resolve("tiny-f32.safetensors"), bf16 = dir.resolve("tiny-bf16.safetensors");
        try (AlbefModel model = new AlbefModel(config, 11, DType.F32, Device.CPU)) {
            ModelCheckpoint.save(model, f32);
            ModelCheckpoint.save(model, bf16, Map.of("note", "bf16 test"), DType.BF16);
            JsonNode header = header(bf16);
            for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
                JsonNode entry = header.get(e.getKey());
                assertTrue(entry != null, "the file has " + e.getKey());
                assertEquals(
                        e.getValue().dtype().isFloating()
                                ? "BF16"
                                : e.getValue().dtype().name(),
                        entry.get("dtype").textValue(),
                        e.getKey());
            }
            assertEquals("bf16 test", ModelCheckpoint.readMetadata(bf16).get("note"));
            double ratio = (double) Files.size(bf16) / Files.size(f32);
            assertTrue(ratio > 0.45 && ratio < 0.55, "BF16 checkpoint is about half the F32 one: " + ratio);

            long values = 0, changed = 0;
            try (AlbefModel back = ModelCheckpoint.load(bf16, Device.CPU)) {
                assertEquals(config, back.config());
                for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
                    Tensor loaded = back.stateDict().get(e.getKey());
                    if (!e.getValue().dtype().isFloating()) continue;
                    assertEquals(DType.F32, loaded.dtype(), e.getKey());
                    float[] original = e.getValue().toFloatArray(), got = loaded.toFloatArray();
                    for (int i = 0; i < original.length; i++) {
                        float want = roundedToBf16(original[i]);
                        if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got[i]))
                            throw new AssertionError(e.getKey() + "[" + i + "]: " + original[i] + " loaded as " + got[i]
                                    + ", its BF16 rounding is " + want);
                        if (want != original[i]) changed++;
                        values++;
                    }
                }
            }
            assertTrue(values > 1_000_000, "the tiny model has over a million values: " + values);
            assertTrue(
                    changed > values / 2,
                    "most F32 weights are not BF16 values already, so the rounding was exercised");
        }
    }

    private static JsonNode header(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    }
}
