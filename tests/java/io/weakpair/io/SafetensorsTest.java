package io.weakpair.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.MemoryStats;
import io.weakpair.tensor.Scope;
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
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Round trips through safetensors files, hand-built fixtures, and one test per kind of corrupt file. */
@ExtendWith(ScopePerTest.class)
class SafetensorsTest {
    @TempDir
    Path dir;

    // ------------------------------------------------------------------ round trips

    @Test
    void roundTripsEveryDTypeScalarsEmptyTensorsAndMetadata() throws IOException {
        SplittableRandom rng = new SplittableRandom(7);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("f32", Tensor.uniform(1, -3, 3, DType.F32, Device.CPU, 3, 5, 2));
        tensors.put("f64", Tensor.uniform(2, -3, 3, DType.F64, Device.CPU, 7));
        tensors.put(
                "i32",
                Tensor.ofInts(rng.ints(12, Integer.MIN_VALUE, Integer.MAX_VALUE).toArray(), 4, 3));
        tensors.put("i64", Tensor.ofLongs(rng.longs(6).toArray(), 6, 1));
        tensors.put("scalar.f32", Tensor.scalar(-1.25, DType.F32));
        tensors.put("scalar.i64", Tensor.scalar(1L << 40, DType.I64));
        tensors.put("empty.f32", Tensor.empty(DType.F32, 0));
        tensors.put("empty.f64", Tensor.empty(DType.F64, 3, 0, 2));
        tensors.put(
                "odd",
                Tensor.uniform(3, -1, 1, DType.F32, Device.CPU, 1, 1, 3)); // 12 bytes: pads nothing, shifts the rest
        tensors.put("after.odd.f64", Tensor.uniform(4, -1, 1, DType.F64, Device.CPU, 2));
        Map<String, String> meta = Map.of("config", "{\"width\": 64}", "format", "pt", "empty", "");
        Path file = dir.resolve("all.safetensors");
        Safetensors.write(file, tensors, meta);

        try (NamedTensors back = Safetensors.read(file)) {
            assertEquals(
                    List.copyOf(tensors.keySet()), List.copyOf(back.tensors().keySet()), "names in written order");
            assertEquals(meta, back.metadata());
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Tensor a = e.getValue(), b = back.get(e.getKey());
                assertEquals(a.dtype(), b.dtype(), e.getKey());
                assertArrayEquals(a.shape(), b.shape(), e.getKey());
                assertSameValues(a, b, e.getKey());
            }
        }
        assertStandardLayout(file);
    }

    @Test
    void writesNonContiguousViewsInLogicalOrder() throws IOException {
        Tensor base = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor transposed = base.view(new int[] {3, 2}, new long[] {1, 3}, 0);
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, Map.of("t", transposed), Map.of());
        try (NamedTensors back = Safetensors.read(file)) {
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, back.get("t").toFloatArray());
            assertArrayEquals(new int[] {3, 2}, back.get("t").shape());
        }
    }

    @Test
    void tensorsLargerThanTheBufferStreamInChunks() throws IOException {
        int n = SafetensorsReader.CHUNK_BYTES / 4 * 2 + 12345; // two full chunks and a partial one
        Tensor big = Tensor.uniform(11, -5, 5, DType.F32, Device.CPU, n);
        Tensor bigger = Tensor.uniform(12, -5, 5, DType.F64, Device.CPU, n / 3, 3);
        Path file = dir.resolve("big.safetensors");
        Safetensors.write(file, Map.of("big", big, "bigger", bigger), null);
        try (SafetensorsReader reader = Safetensors.open(file)) {
            assertTrue(reader.metadata().isEmpty());
            try (Tensor b = reader.read("big");
                    Tensor c = reader.read("bigger")) {
                assertArrayEquals(big.toFloatArray(), b.toFloatArray());
                assertArrayEquals(bigger.toDoubleArray(), c.toDoubleArray());
            }
        }
    }

    @Test
    void readsAHandBuiltFileAsTheReferenceLibraryLaysItOut() throws IOException {
        // Layout produced by safetensors.torch.save_file({"w": tensor([[1.5, -2], [0, 8]]), "n": tensor([3, -4])})
        // with n int64 placed first (the reference sorts by alignment, then name).
        ByteBuffer data = ByteBuffer.allocate(16 + 16).order(ByteOrder.LITTLE_ENDIAN);
        data.putLong(3).putLong(-4).putFloat(1.5f).putFloat(-2f).putFloat(0f).putFloat(8f);
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[16,32]}}";
        Path file = writeRaw("ref.safetensors", padded(header), data.array());
        try (NamedTensors t = Safetensors.read(file)) {
            assertEquals(Map.of("format", "pt"), t.metadata());
            assertArrayEquals(new long[] {3, -4}, t.get("n").toLongArray());
            assertArrayEquals(new float[] {1.5f, -2f, 0f, 8f}, t.get("w").toFloatArray());
            assertArrayEquals(new int[] {2, 2}, t.get("w").shape());
        }
    }

    @Test
    void readsHalfAndBfloat16WidenedToFloat32() throws IOException {
        // Bit patterns and their exact values: normal, negative, largest half, smallest subnormal, infinity, zero.
        short[] half = {0x3C00, (short) 0xC100, 0x7BFF, 0x0001, 0x7C00, (short) 0x8000, 0x3555};
        float[] halfValues = {1f, -2.5f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY, -0f, 0.333251953125f};
        float[] bfValues = {1f, -2.5f, 3.0e38f, 1e-30f, Float.NEGATIVE_INFINITY, 0.15625f, -123456f};
        short[] bf = new short[bfValues.length];
        for (int i = 0; i < bf.length; i++) bf[i] = (short) (Float.floatToRawIntBits(bfValues[i]) >>> 16);
        ByteBuffer data = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        for (short s : half) data.putShort(s);
        for (short s : bf) data.putShort(s);
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[7],\"data_offsets\":[0,14]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[7],\"data_offsets\":[14,28]}}";
        Path file = writeRaw("half.safetensors", padded(header), data.array());
        try (NamedTensors t = Safetensors.read(file)) {
            assertEquals(DType.F32, t.get("h").dtype());
            assertArrayEquals(halfValues, t.get("h").toFloatArray());
            float[] b = t.get("b").toFloatArray();
            for (int i = 0; i < b.length; i++) {
                float truncated = Float.intBitsToFloat(Float.floatToRawIntBits(bfValues[i]) & 0xffff0000);
                assertEquals(truncated, b[i], "bf16 element " + i);
            }
        }
    }

    @Test
    void everyHalfBitPatternWidensLikeTheIeeeDefinition() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int exponent = (bits >>> 10) & 0x1f, mantissa = bits & 0x3ff;
            double sign = (bits & 0x8000) != 0 ? -1 : 1;
            float got = HalfFloats.halfToFloat((short) bits);
            if (exponent == 0x1f) {
                assertTrue(
                        mantissa == 0 ? Float.isInfinite(got) && Math.signum(got) == sign : Float.isNaN(got),
                        "bits " + bits);
            } else {
                double expected = exponent == 0
                        ? sign * mantissa * Math.pow(2, -24)
                        : sign * (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
                assertEquals(expected, got, 0, "bits " + Integer.toHexString(bits));
            }
        }
    }

    @Test
    void readsLargeHalfTensorsAcrossChunks() throws IOException {
        int n = SafetensorsReader.CHUNK_BYTES / 2 + 77;
        ByteBuffer data = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) data.putShort((short) (0x3C00 + (i % 1024))); // 1 + k/1024
        Path file = writeRaw(
                "bighalf.safetensors",
                padded("{\"h\":{\"dtype\":\"F16\",\"shape\":[" + n + "],\"data_offsets\":[0," + 2 * n + "]}}"),
                data.array());
        try (NamedTensors t = Safetensors.read(file)) {
            float[] v = t.get("h").toFloatArray();
            for (int i = 0; i < n; i += 4099) assertEquals(1 + (i % 1024) / 1024f, v[i], "element " + i);
            assertEquals(1 + ((n - 1) % 1024) / 1024f, v[n - 1]);
        }
    }

    @Test
    void writingIsAtomicAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Safetensors.write(file, Map.of("a", Tensor.of(new float[] {1, 2}, 2)), Map.of("v", "1"));
        byte[] before = Files.readAllBytes(file);
        Tensor closed = Tensor.of(new float[] {3}, 1);
        closed.close();
        Map<String, Tensor> bad = new LinkedHashMap<>();
        bad.put("a", Tensor.of(new float[] {5, 6}, 2));
        bad.put("gone", closed);
        SafetensorsFormatException e =
                assertThrows(SafetensorsFormatException.class, () -> Safetensors.write(file, bad, Map.of()));
        assertMentions(e, file, "gone");
        assertArrayEquals(before, Files.readAllBytes(file), "the old file survives a failed write");
        // Overwriting replaces the content in one piece.
        Safetensors.write(file, Map.of("b", Tensor.of(new double[] {7}, 1)), Map.of());
        try (NamedTensors t = Safetensors.read(file)) {
            assertEquals(List.of("b"), List.copyOf(t.tensors().keySet()));
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files remain");
        }
    }

    @Test
    void writeRejectsReservedAndEmptyNames() {
        Path file = dir.resolve("x.safetensors");
        Tensor t = Tensor.of(new float[] {1}, 1);
        assertMentions(
                assertThrows(
                        SafetensorsFormatException.class,
                        () -> Safetensors.write(file, Map.of("__metadata__", t), Map.of())),
                file,
                "__metadata__");
        assertThrows(SafetensorsFormatException.class, () -> Safetensors.write(file, Map.of("", t), Map.of()));
        assertFalse(Files.exists(file));
    }

    @Test
    void readingFreesEverythingOnClose() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Safetensors.write(
                file, Map.of("a", Tensor.of(new float[] {1, 2, 3}, 3), "b", Tensor.ofInts(new int[] {4}, 1)), Map.of());
        long live = MemoryStats.liveStorages(Device.Kind.CPU);
        try (Scope inner = Scope.open()) {
            NamedTensors t = Safetensors.read(file);
            Tensor taken = t.take("a");
            t.close();
            assertFalse(taken.isClosed(), "a taken tensor stays with the caller");
            assertTrue(t.tensors().isEmpty());
        }
        assertEquals(live, MemoryStats.liveStorages(Device.Kind.CPU), "the scope frees what was read");
    }

    // ------------------------------------------------------------------ malformed files: one test each

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        Files.write(file, new byte[] {1, 0, 0});
        assertMentions(assertBad(file), file, "truncated");
        Path empty = dir.resolve("empty.safetensors");
        Files.write(empty, new byte[0]);
        assertMentions(assertBad(empty), empty, "truncated");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        byte[] header = padded("{}");
        Path file = writeRawWithLength("long.safetensors", header.length + 100, header, new byte[0]);
        assertMentions(assertBad(file), file, "exceeds");
    }

    @Test
    void absurdHeaderLength() throws IOException {
        Path file = writeRawWithLength("absurd.safetensors", 1L << 40, padded("{}"), new byte[0]);
        assertMentions(assertBad(file), file, "absurd");
        Path negative = writeRawWithLength("negative.safetensors", -8, padded("{}"), new byte[0]);
        assertMentions(assertBad(negative), negative, "absurd");
        Path justAbove = writeRawWithLength(
                "above.safetensors", SafetensorsReader.MAX_HEADER_BYTES + 1, padded("{}"), new byte[0]);
        assertMentions(assertBad(justAbove), justAbove, "absurd");
    }

    @Test
    void invalidJson() throws IOException {
        Path file = writeRaw("json.safetensors", padded("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], "), new byte[4]);
        assertMentions(assertBad(file), file, "not valid JSON");
        Path trailing = writeRaw("trailing.safetensors", padded("{} {}"), new byte[0]);
        assertMentions(assertBad(trailing), trailing, "after the header");
        Path array = writeRaw("array.safetensors", padded("[1, 2]"), new byte[0]);
        assertMentions(assertBad(array), array, "not a JSON object");
        Path binary =
                writeRaw("binary.safetensors", new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, 3, 4, 5}, new byte[0]);
        assertMentions(assertBad(binary), binary, "JSON");
    }

    @Test
    void offsetsEndBeforeTheyBegin() throws IOException {
        Path file = writeEntries("backwards", "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}", 4);
        assertMentions(assertBad(file), file, "'a'", "end before");
    }

    @Test
    void offsetsBeyondTheDataSection() throws IOException {
        // A file cut short: the header promises 16 bytes, 8 are there.
        Path file = writeEntries("cut", "\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}", 8);
        assertMentions(assertBad(file), file, "'a'", "beyond the data section", "truncated");
    }

    @Test
    void offsetsDisagreeWithTheShape() throws IOException {
        Path file = writeEntries("size", "\"a\":{\"dtype\":\"F64\",\"shape\":[2,3],\"data_offsets\":[0,24]}", 24);
        assertMentions(assertBad(file), file, "'a'", "24 bytes", "48");
    }

    @Test
    void overlappingRanges() throws IOException {
        Path file = writeEntries(
                "overlap",
                "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}",
                12);
        assertMentions(assertBad(file), file, "'b'", "overlap", "'a'");
    }

    @Test
    void holesAndTrailingBytesInTheDataSection() throws IOException {
        Path gap = writeEntries(
                "gap",
                "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}",
                12);
        assertMentions(assertBad(gap), gap, "'b'", "holes");
        Path trailing = writeEntries("trailing", "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", 20);
        assertMentions(assertBad(trailing), trailing, "trailing");
    }

    @Test
    void unknownAndUnsupportedDTypes() throws IOException {
        Path unknown = writeEntries("unknown", "\"a\":{\"dtype\":\"F99\",\"shape\":[1],\"data_offsets\":[0,4]}", 4);
        assertMentions(assertBad(unknown), unknown, "'a'", "unknown dtype 'F99'");
        Path unsupported = writeEntries("u8", "\"q\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}", 4);
        assertMentions(assertBad(unsupported), unsupported, "'q'", "U8 is not supported");
        Path missing = writeEntries("nodtype", "\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}", 4);
        assertMentions(assertBad(missing), missing, "'a'", "dtype");
    }

    @Test
    void negativeShape() throws IOException {
        Path file = writeEntries("neg", "\"a\":{\"dtype\":\"F32\",\"shape\":[2,-1],\"data_offsets\":[0,0]}", 0);
        assertMentions(assertBad(file), file, "'a'", "negative");
    }

    @Test
    void hugeShapes() throws IOException {
        Path bigDim =
                writeEntries("bigdim", "\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296],\"data_offsets\":[0,4]}", 4);
        assertMentions(assertBad(bigDim), bigDim, "'a'", "too large");
        Path overflow = writeEntries(
                "overflow",
                "\"a\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}",
                8);
        assertMentions(assertBad(overflow), overflow, "'a'", "too large");
        Path notInt = writeEntries("notint", "\"a\":{\"dtype\":\"F32\",\"shape\":[1e30],\"data_offsets\":[0,4]}", 4);
        assertMentions(assertBad(notInt), notInt, "'a'", "not an integer");
        Path rank = writeEntries(
                "rank", "\"a\":{\"dtype\":\"F32\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,4]}", 4);
        assertMentions(assertBad(rank), rank, "'a'", "rank 9");
    }

    @Test
    void duplicateNames() throws IOException {
        Path file = writeEntries(
                "dup",
                "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}",
                8);
        assertMentions(assertBad(file), file, "'a'", "more than once");
    }

    @Test
    void metadataMustBeStrings() throws IOException {
        Path file = writeRaw("meta.safetensors", padded("{\"__metadata__\":{\"epoch\":3}}"), new byte[0]);
        assertMentions(assertBad(file), file, "__metadata__", "epoch");
    }

    @Test
    void readingANameThatIsNotThere() throws IOException {
        Path file = dir.resolve("one.safetensors");
        Safetensors.write(file, Map.of("a", Tensor.of(new float[] {1}, 1)), Map.of());
        try (SafetensorsReader r = Safetensors.open(file)) {
            assertMentions(assertThrows(SafetensorsFormatException.class, () -> r.read("b")), file, "'b'");
        }
    }

    // ------------------------------------------------------------------ helpers

    private SafetensorsFormatException assertBad(Path file) {
        long live = MemoryStats.liveStorages(Device.Kind.CPU);
        SafetensorsFormatException e = assertThrows(SafetensorsFormatException.class, () -> Safetensors.read(file));
        assertEquals(live, MemoryStats.liveStorages(Device.Kind.CPU), "a failed read allocates nothing");
        return e;
    }

    private static void assertMentions(Exception e, Path file, String... parts) {
        String msg = e.getMessage();
        assertTrue(msg.contains(file.toString()), "message names the file: " + msg);
        for (String p : parts) assertTrue(msg.contains(p), "message mentions '" + p + "': " + msg);
    }

    private Path writeEntries(String name, String entriesJson, int dataBytes) throws IOException {
        return writeRaw(name + ".safetensors", padded("{" + entriesJson + "}"), new byte[dataBytes]);
    }

    private Path writeRaw(String name, byte[] header, byte[] data) throws IOException {
        return writeRawWithLength(name, header.length, header, data);
    }

    private Path writeRawWithLength(String name, long length, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(length).put(header).put(data);
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    private static byte[] padded(String json) {
        byte[] raw = json.getBytes(StandardCharsets.UTF_8);
        byte[] out = Arrays.copyOf(raw, (raw.length + 7) / 8 * 8);
        Arrays.fill(out, raw.length, out.length, (byte) ' ');
        return out;
    }

    private static void assertSameValues(Tensor a, Tensor b, String what) {
        // Empty tensors carry only their shape (the core also calls [3, 0, 2] non-contiguous, so no download).
        if (a.numel() == 0) {
            assertEquals(0, b.numel(), what);
            return;
        }
        switch (a.dtype()) {
            case F32 -> assertArrayEquals(a.toFloatArray(), b.toFloatArray(), what);
            case F64 -> assertArrayEquals(a.toDoubleArray(), b.toDoubleArray(), what);
            case I32 -> assertArrayEquals(a.toIntArray(), b.toIntArray(), what);
            case I64 -> assertArrayEquals(a.toLongArray(), b.toLongArray(), what);
        }
    }

    /** Checks the written bytes against the specification independently of our reader. */
    private static void assertStandardLayout(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + n) % 8, "data section starts 8-aligned");
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
        long dataSize = bytes.length - 8 - n;
        long covered = 0;
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().equals("__metadata__")) continue;
            JsonNode off = e.getValue().get("data_offsets");
            assertEquals(covered, off.get(0).longValue(), e.getKey() + " starts where the previous ended");
            covered = off.get(1).longValue();
        }
        assertEquals(dataSize, covered, "the data section is exactly the tensors");
    }
}
