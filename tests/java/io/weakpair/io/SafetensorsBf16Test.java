package io.weakpair.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weakpair.nn.Linear;
import io.weakpair.nn.StateDicts;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * BF16 in safetensors files: written from F32/F64 tensors (rounded to nearest even) or BF16
 * ones, checked byte by byte against a reference rounding without our reader; a BF16 file built
 * here by hand (header and bytes) read and loaded into an F32 module without our writer; bad
 * BF16 entries named by file and tensor in one line.
 */
@ExtendWith(ScopePerTest.class)
class SafetensorsBf16Test {
    @TempDir
    Path dir;

    private static int rne(float f) {
        int bits = Float.floatToRawIntBits(f);
        int kept = bits >>> 16, dropped = bits & 0xffff;
        if (dropped > 0x8000 || (dropped == 0x8000 && (kept & 1) == 1)) kept++;
        return kept & 0xffff;
    }

    @Test
    void writesFloatTensorsAsBf16AndReadsThemBackWidened() throws IOException {
        SplittableRandom rng = new SplittableRandom(3);
        // Larger than one write chunk in F32 (1 MiB), so the conversion crosses chunk boundaries.
        int n = (SafetensorsReader.CHUNK_BYTES / 4) * 2 + 333;
        float[] big = new float[n];
        for (int i = 0; i < n; i++) big[i] = (float) (rng.nextGaussian() * Math.scalb(1.0, rng.nextInt(-20, 20)));
        float[] edges = {
            0f,
            -0f,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            Float.NaN,
            Float.MAX_VALUE,
            Float.MIN_VALUE,
            Float.intBitsToFloat(0x3f808000),
            Float.intBitsToFloat(0x3f818000),
            Float.intBitsToFloat(0x007fffff)
        };
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("big", Tensor.of(big, n));
        tensors.put("edges", Tensor.of(edges, 2, 5));
        tensors.put("transposed", Tensor.of(edges, 2, 5).view(new int[] {5, 2}, new long[] {1, 5}, 0));
        tensors.put("f64", Tensor.of(new double[] {1.0 + 0x1p-8 + 0x1p-30, -3.0}, 2));
        tensors.put("ids", Tensor.ofInts(new int[] {7, -1, 3}, 3));
        tensors.put("already", Tensor.of(new float[] {1.5f, -2f}, 2).toDType(DType.BF16));
        Path file = dir.resolve("bf16.safetensors");
        Safetensors.write(file, tensors, Map.of("format", "pt"), DType.BF16);

        // The file read without our reader: header JSON, then little-endian 16-bit patterns.
        byte[] bytes = Files.readAllBytes(file);
        long hlen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) hlen, StandardCharsets.UTF_8));
        for (String name : new String[] {"big", "edges", "transposed", "f64", "already"})
            assertEquals("BF16", header.get(name).get("dtype").textValue(), name);
        assertEquals("I32", header.get("ids").get("dtype").textValue(), "integers are written as they are");
        assertEquals("[5,2]", header.get("transposed").get("shape").toString());
        int[] bigBits = raw(bytes, 8 + hlen, header.get("big"));
        for (int i = 0; i < n; i++) assertEquals(rne(big[i]), bigBits[i], "big[" + i + "]");
        int[] edgeBits = raw(bytes, 8 + hlen, header.get("edges"));
        int[] expected = {0x0000, 0x8000, 0x7f80, 0xff80, -1, 0x7f80, 0x0000, 0x3f80, 0x3f82, 0x0080};
        for (int i = 0; i < edges.length; i++) {
            if (expected[i] < 0)
                assertTrue((edgeBits[i] & 0x7f80) == 0x7f80 && (edgeBits[i] & 0x7f) != 0, "NaN stays NaN");
            else assertEquals(expected[i], edgeBits[i], "edges[" + i + "] = " + edges[i]);
        }
        int[] transposedBits = raw(bytes, 8 + hlen, header.get("transposed"));
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 2; j++)
                assertEquals(edgeBits[j * 5 + i], transposedBits[i * 2 + j], "logical order of a view");
        assertArrayEquals(
                new int[] {0x3f81, 0xc040}, raw(bytes, 8 + hlen, header.get("f64")), "F64 rounded once to BF16");
        assertArrayEquals(new int[] {0x3fc0, 0xc000}, raw(bytes, 8 + hlen, header.get("already")));

        // ...and through our reader: BF16 widened exactly to F32.
        try (NamedTensors back = Safetensors.read(file)) {
            assertEquals(Map.of("format", "pt"), back.metadata());
            float[] b = back.get("big").toFloatArray();
            assertEquals(DType.F32, back.get("big").dtype());
            for (int i = 0; i < n; i += 7)
                assertEquals(Float.intBitsToFloat(bigBits[i] << 16), b[i], 0, "big[" + i + "]");
            assertArrayEquals(new int[] {7, -1, 3}, back.get("ids").toIntArray());
        }
    }

    /** The 16-bit patterns of one entry, read straight from the file's bytes. */
    private static int[] raw(byte[] file, long dataStart, JsonNode entry) {
        long begin = entry.get("data_offsets").get(0).longValue(),
                end = entry.get("data_offsets").get(1).longValue();
        int[] out = new int[(int) (end - begin) / 2];
        ByteBuffer b = ByteBuffer.wrap(file, (int) (dataStart + begin), (int) (end - begin))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) out[i] = b.getShort() & 0xffff;
        return out;
    }

    @Test
    void aHandBuiltBf16CheckpointLoadsIntoAnF32Module() throws IOException {
        // weight [3, 2] and bias [3] of a Linear(2 -> 3), as a BF16 exporter would lay them out.
        short[] weight = {0x3f80, (short) 0xc020, 0x0001, (short) 0x8000, 0x4049, 0x7f7f
        }; // 1, -2.5, smallest subnormal, -0, 3.140625, max
        short[] bias = {0x3e20, (short) 0xbf00, 0x4300}; // 0.15625, -0.5, 128
        ByteBuffer data = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : weight) data.putShort(s);
        for (short s : bias) data.putShort(s);
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"weight\":{\"dtype\":\"BF16\",\"shape\":[3,2],\"data_offsets\":[0,12]},"
                + "\"bias\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[12,18]}}";
        Path file = writeRaw("linear-bf16.safetensors", json, data.array());

        try (Linear linear = new Linear(2, 3, true, new io.weakpair.nn.InitContext(1, DType.F32, Device.CPU))) {
            StateDicts.LoadReport report = StateDicts.load(linear, file, true);
            assertTrue(report.isComplete(), report.toString());
            Map<String, Tensor> state = linear.stateDict();
            float[] w = state.get("weight").toFloatArray(),
                    b = state.get("bias").toFloatArray();
            assertEquals(DType.F32, state.get("weight").dtype());
            float[] wantW = {1f, -2.5f, 0x1p-133f, -0f, 3.140625f, Float.intBitsToFloat(0x7f7f0000)};
            for (int i = 0; i < wantW.length; i++)
                assertEquals(Float.floatToRawIntBits(wantW[i]), Float.floatToRawIntBits(w[i]), "weight[" + i + "]");
            assertArrayEquals(new float[] {0.15625f, -0.5f, 128f}, b);
        }
    }

    @Test
    void badBf16EntriesAreNamedInOneLine() throws IOException {
        // A BF16 [3] tensor needs 6 bytes, not 8 (the span of an F32 [2] by mistake).
        Path wrongSpan = writeRaw(
                "span.safetensors", "{\"w\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
        SafetensorsFormatException e =
                assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(wrongSpan));
        assertOneLineNaming(e, wrongSpan, "'w'", "BF16", "6");
        // The dtype's name in the wrong case is not BF16.
        Path lower = writeRaw(
                "lower.safetensors", "{\"w\":{\"dtype\":\"bf16\",\"shape\":[1],\"data_offsets\":[0,2]}}", new byte[2]);
        e = assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(lower));
        assertOneLineNaming(e, lower, "'w'", "bf16");
        // Truncated data: the header promises 4 BF16 values, the file holds 3.
        Path cut = writeRaw(
                "cut.safetensors", "{\"w\":{\"dtype\":\"BF16\",\"shape\":[4],\"data_offsets\":[0,8]}}", new byte[6]);
        e = assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(cut));
        assertOneLineNaming(e, cut, "'w'");
        // Writing floats as an integer dtype is refused before the file is touched.
        Path out = dir.resolve("never.safetensors");
        IllegalArgumentException w = assertThrows(
                IllegalArgumentException.class,
                () -> Safetensors.write(out, Map.of("x", Tensor.of(new float[] {1f}, 1)), Map.of(), DType.I32));
        assertTrue(w.getMessage().contains("I32") && w.getMessage().contains(out.toString()), w.getMessage());
        assertFalse(Files.exists(out));
    }

    private static void assertOneLineNaming(Exception e, Path file, String... parts) {
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        assertTrue(m.contains(file.toString()), "names the file: " + m);
        for (String p : parts) assertTrue(m.contains(p), "mentions " + p + ": " + m);
    }

    private Path writeRaw(String name, String json, byte[] data) throws IOException {
        byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        byte[] header = Arrays.copyOf(raw, (raw.length + 7) / 8 * 8);
        Arrays.fill(header, raw.length, header.length, (byte) ' ');
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(data);
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }
}
