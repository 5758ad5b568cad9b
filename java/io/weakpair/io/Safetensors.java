package io.weakpair.io;

import io.weakpair.tensor.Tensor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Safetensors files (the Hugging Face format): an 8-byte little-endian header length, a JSON
 * header mapping each tensor name to {dtype, shape, data_offsets} plus an optional
 * {@code __metadata__} string map, then the raw little-endian data.
 *
 * <p>Reads F32, F64, I32, I64 as they are and F16, BF16 widened to F32; writes the four
 * engine dtypes. Reading validates the whole header first (see {@link SafetensorsHeader});
 * writing is atomic (see {@link AtomicFile}).
 */
public final class Safetensors {
    private Safetensors() {}

    /** Reads every tensor (CPU) and the metadata. The caller closes the result. */
    public static NamedTensors read(Path file) throws IOException {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            return reader.readAll();
        }
    }

    /** Opens a file for reading tensors one at a time (its header is validated here). */
    public static SafetensorsReader open(Path file) throws IOException { return SafetensorsReader.open(file); }

    public static void write(Path file, NamedTensors tensors) throws IOException {
        write(file, tensors.tensors(), tensors.metadata());
    }

    /**
     * Writes tensors (any device, any layout: each is streamed to the file through a bounded
     * host buffer) in the map's order, with optional metadata. Replaces {@code file}
     * atomically; on any error the previous file is left untouched.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        List<SafetensorsEntry> entries = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null || name.isEmpty()) throw new SafetensorsFormatException(file, "a tensor name must not be empty");
            if (name.equals(SafetensorsHeader.METADATA_KEY))
                throw new SafetensorsFormatException(file, name, "is reserved for the metadata and cannot name a tensor");
            if (t == null) throw new SafetensorsFormatException(file, name, "is null");
            if (t.isClosed()) throw new SafetensorsFormatException(file, name, t.describe() + " is closed");
            SafetensorsDType dtype = SafetensorsDType.of(t.dtype());
            long end = offset + t.numel() * dtype.itemSize();
            entries.add(new SafetensorsEntry(name, dtype, t.shape(), offset, end));
            offset = end;
        }
        Map<String, String> meta = metadata == null ? Map.of() : new LinkedHashMap<>(metadata);
        for (Map.Entry<String, String> m : meta.entrySet())
            if (m.getKey() == null || m.getValue() == null)
                throw new SafetensorsFormatException(file, "metadata entry " + m.getKey() + "=" + m.getValue() + " has a null key or value");
        byte[] header = SafetensorsHeader.encode(entries, meta);

        AtomicFile.write(file, ch -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(ch, length);
            writeFully(ch, ByteBuffer.wrap(header));
            byte[] chunk = new byte[SafetensorsReader.CHUNK_BYTES];
            for (SafetensorsEntry e : entries) writeData(ch, tensors.get(e.name()), chunk);
        });
    }

    private static void writeData(FileChannel ch, Tensor t, byte[] chunk) throws IOException {
        long numel = t.numel();
        if (numel == 0) return;
        int item = t.dtype().byteSize();
        try (Tensor c = t.contiguous()) {
            long done = 0;  // elements; a chunk is a 1-D view of the contiguous copy at an element offset
            while (done < numel) {
                int count = (int) Math.min(chunk.length / item, numel - done);
                byte[] bytes = count * item == chunk.length ? chunk : new byte[count * item];
                try (Tensor part = c.view(new int[] {count}, new long[] {1}, c.offset() + done)) {
                    part.backend().downloadBytes(part, bytes);
                }
                writeFully(ch, ByteBuffer.wrap(bytes));
                done += count;
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }
}
