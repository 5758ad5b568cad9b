package io.weakpair.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weakpair.tensor.Shapes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON header of a safetensors file: tensor entries in file order and the optional
 * {@code __metadata__} string map. {@link #parse} trusts nothing in the bytes it is given:
 * every entry is checked against the data section before a single tensor byte is read.
 */
public final class SafetensorsHeader {
    static final String METADATA_KEY = "__metadata__";
    static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, SafetensorsEntry> entries;
    private final Map<String, String> metadata;

    SafetensorsHeader(Map<String, SafetensorsEntry> entries, Map<String, String> metadata) {
        this.entries = Collections.unmodifiableMap(entries);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Entries by name, in the order the header lists them. */
    public Map<String, SafetensorsEntry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Parses and validates a header. {@code dataSize} is the number of bytes after the
     * header: the byte ranges of all entries must tile it exactly (no overlap, no gap, nothing
     * past its end), as the safetensors specification requires.
     */
    static SafetensorsHeader parse(Path file, byte[] json, long dataSize) throws SafetensorsFormatException {
        Map<String, SafetensorsEntry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT)
                throw new SafetensorsFormatException(file, "the header is not a JSON object");
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                JsonNode value = p.readValueAsTree();
                if (!seen.add(name))
                    throw new SafetensorsFormatException(file, name, "appears more than once in the header");
                if (name.equals(METADATA_KEY)) readMetadata(file, value, metadata);
                else entries.put(name, readEntry(file, name, value, dataSize));
            }
            if (t != JsonToken.END_OBJECT)
                throw new SafetensorsFormatException(file, "the header is not a JSON object");
            if (p.nextToken() != null)
                throw new SafetensorsFormatException(file, "unexpected content after the header's JSON object");
        } catch (SafetensorsFormatException e) {
            throw e;
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null
                    ? ""
                    : " (at byte " + e.getLocation().getByteOffset() + " of the header)";
            throw new SafetensorsFormatException(file, "the header is not valid JSON: " + e.getOriginalMessage() + at);
        } catch (IOException e) {
            throw new SafetensorsFormatException(file, "cannot parse the header: " + e.getMessage());
        }
        checkTiling(file, entries, dataSize);
        return new SafetensorsHeader(entries, metadata);
    }

    private static void readMetadata(Path file, JsonNode value, Map<String, String> out)
            throws SafetensorsFormatException {
        if (!value.isObject())
            throw new SafetensorsFormatException(file, METADATA_KEY + " must be a JSON object of strings");
        for (Map.Entry<String, JsonNode> e : value.properties()) {
            if (!e.getValue().isTextual())
                throw new SafetensorsFormatException(
                        file, METADATA_KEY + " value of '" + e.getKey() + "' is not a string: " + e.getValue());
            out.put(e.getKey(), e.getValue().textValue());
        }
    }

    private static SafetensorsEntry readEntry(Path file, String name, JsonNode value, long dataSize)
            throws SafetensorsFormatException {
        if (name.isEmpty()) throw new SafetensorsFormatException(file, name, "a tensor name must not be empty");
        if (!value.isObject())
            throw new SafetensorsFormatException(file, name, "the entry is not a JSON object: " + value);

        JsonNode dtypeNode = value.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual())
            throw new SafetensorsFormatException(file, name, "has no \"dtype\" string");
        String dtypeName = dtypeNode.textValue();
        SafetensorsDType dtype = SafetensorsDType.parse(dtypeName);
        if (dtype == null) {
            throw new SafetensorsFormatException(
                    file,
                    name,
                    (SafetensorsDType.isKnownUnsupported(dtypeName)
                                    ? "dtype " + dtypeName + " is not supported"
                                    : "unknown dtype '" + dtypeName + "'")
                            + " (supported: " + Arrays.toString(SafetensorsDType.values()) + ")");
        }

        JsonNode shapeNode = value.get("shape");
        if (shapeNode == null || !shapeNode.isArray())
            throw new SafetensorsFormatException(file, name, "has no \"shape\" array");
        if (shapeNode.size() > Shapes.MAX_RANK)
            throw new SafetensorsFormatException(
                    file, name, "rank " + shapeNode.size() + " is above the maximum " + Shapes.MAX_RANK);
        int[] shape = new int[shapeNode.size()];
        long numel = 1;
        for (int i = 0; i < shape.length; i++) {
            long d = nonNegativeLong(file, name, shapeNode.get(i), "shape " + shapeNode);
            if (d > Integer.MAX_VALUE)
                throw new SafetensorsFormatException(
                        file, name, "dimension " + d + " in shape " + shapeNode + " is too large");
            shape[i] = (int) d;
            numel = multiply(file, name, numel, d, "shape " + shapeNode);
        }
        long expectedBytes = multiply(file, name, numel, dtype.itemSize(), "shape " + shapeNode);

        JsonNode offsets = value.get("data_offsets");
        if (offsets == null || !offsets.isArray() || offsets.size() != 2)
            throw new SafetensorsFormatException(
                    file, name, "\"data_offsets\" must be an array [begin, end], got " + offsets);
        long begin = nonNegativeLong(file, name, offsets.get(0), "data_offsets " + offsets);
        long end = nonNegativeLong(file, name, offsets.get(1), "data_offsets " + offsets);
        if (end < begin)
            throw new SafetensorsFormatException(file, name, "data_offsets " + offsets + " end before they begin");
        if (end > dataSize)
            throw new SafetensorsFormatException(
                    file,
                    name,
                    "data_offsets " + offsets + " reach beyond the data section of " + dataSize
                            + " bytes (truncated file?)");
        if (end - begin != expectedBytes)
            throw new SafetensorsFormatException(
                    file,
                    name,
                    "data_offsets " + offsets + " span " + (end - begin) + " bytes but " + dtype + " " + shapeNode
                            + " needs " + numel + " x " + dtype.itemSize() + " = " + expectedBytes);
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    private static long nonNegativeLong(Path file, String name, JsonNode n, String what)
            throws SafetensorsFormatException {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong())
            throw new SafetensorsFormatException(file, name, what + " holds " + n + ", not an integer in range");
        long v = n.longValue();
        if (v < 0) throw new SafetensorsFormatException(file, name, what + " holds a negative value " + v);
        return v;
    }

    private static long multiply(Path file, String name, long a, long b, String what)
            throws SafetensorsFormatException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(file, name, what + " is too large");
        }
    }

    /** The byte ranges, sorted, must follow each other without overlap or gap and end at dataSize. */
    private static void checkTiling(Path file, Map<String, SafetensorsEntry> entries, long dataSize)
            throws SafetensorsFormatException {
        List<SafetensorsEntry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(SafetensorsEntry::begin).thenComparingLong(SafetensorsEntry::end));
        long covered = 0;
        SafetensorsEntry previous = null;
        for (SafetensorsEntry e : sorted) {
            if (e.begin() < covered)
                throw new SafetensorsFormatException(
                        file,
                        e.name(),
                        "bytes [" + e.begin() + ", " + e.end() + ") overlap tensor '" + previous.name() + "' at ["
                                + previous.begin() + ", " + previous.end() + ")");
            if (e.begin() > covered)
                throw new SafetensorsFormatException(
                        file,
                        e.name(),
                        "bytes [" + covered + ", " + e.begin()
                                + ") before it belong to no tensor (the data section must have no holes)");
            covered = e.end();
            previous = e;
        }
        if (covered != dataSize)
            throw new SafetensorsFormatException(
                    file,
                    "the data section has " + dataSize + " bytes but the tensors cover only " + covered
                            + " (trailing bytes belong to no tensor)");
    }

    /** The header JSON for these entries, padded with spaces to a multiple of 8 bytes so the data stays aligned. */
    static byte[] encode(List<SafetensorsEntry> entries, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            for (Map.Entry<String, String> e : metadata.entrySet()) meta.put(e.getKey(), e.getValue());
        }
        for (SafetensorsEntry e : entries) {
            ObjectNode node = root.putObject(e.name());
            node.put("dtype", e.dtype().name());
            ArrayNode shape = node.putArray("shape");
            for (int d : e.shape()) shape.add(d);
            node.putArray("data_offsets").add(e.begin()).add(e.end());
        }
        byte[] raw;
        try {
            raw = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a safetensors header", e);
        }
        int padded = (raw.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(raw, padded);
        Arrays.fill(out, raw.length, padded, (byte) ' ');
        return out;
    }
}
