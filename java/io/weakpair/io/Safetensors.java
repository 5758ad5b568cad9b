package io.weakpair.io;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
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
 * <p>Reads F32, F64, I32, I64 as they are and F16, BF16 widened to F32 (exactly); writes the
 * engine dtypes (BF16 included), optionally with every floating tensor converted to one dtype
 * such as BF16 (rounded to nearest even: docs/precision.md). Reading validates the whole header
 * first (see {@link SafetensorsHeader}); writing is atomic (see {@link AtomicFile}).
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
    public static SafetensorsReader open(Path file) throws IOException {
        return SafetensorsReader.open(file);
    }

    public static void write(Path file, NamedTensors tensors) throws IOException {
        write(file, tensors.tensors(), tensors.metadata());
    }

    /**
     * Writes tensors (any device, any layout: each is streamed to the file through a bounded
     * host buffer) in the map's order, with optional metadata. Replaces {@code file}
     * atomically; on any error the previous file is left untouched.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(file, tensors, metadata, null);
    }

    /**
     * The same, with every floating tensor stored as {@code floatsAs} (F32, F64 or BF16; null: each
     * in its own dtype). Integer tensors are written as they are. A checkpoint written with
     * {@code floatsAs = BF16} is half the size of an F32 one and loads back into an F32 model with
     * each value the round-to-nearest-even BF16 of the original.
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, DType floatsAs)
            throws IOException {
        if (floatsAs != null && !floatsAs.isFloating())
            throw new IllegalArgumentException(
                    file + ": floating tensors can be written as F32, F64 or BF16, not " + floatsAs);
        List<SafetensorsEntry> entries = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name == null || name.isEmpty())
                throw new SafetensorsFormatException(file, "a tensor name must not be empty");
            if (name.equals(SafetensorsHeader.METADATA_KEY))
                throw new SafetensorsFormatException(
                        file, name, "is reserved for the metadata and cannot name a tensor");
            if (t == null) throw new SafetensorsFormatException(file, name, "is null");
            if (t.isClosed()) throw new SafetensorsFormatException(file, name, t.describe() + " is closed");
            SafetensorsDType dtype = SafetensorsDType.of(storedAs(t.dtype(), floatsAs));
            long end = offset + t.numel() * dtype.itemSize();
            entries.add(new SafetensorsEntry(name, dtype, t.shape(), offset, end));
            offset = end;
        }
        Map<String, String> meta = metadata == null ? Map.of() : new LinkedHashMap<>(metadata);
        for (Map.Entry<String, String> m : meta.entrySet())
            if (m.getKey() == null || m.getValue() == null)
                throw new SafetensorsFormatException(
                        file, "metadata entry " + m.getKey() + "=" + m.getValue() + " has a null key or value");
        byte[] header = SafetensorsHeader.encode(entries, meta);

        AtomicFile.write(file, ch -> {
            ByteBuffer length = ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(header.length)
                    .flip();
            writeFully(ch, length);
            writeFully(ch, ByteBuffer.wrap(header));
            byte[] chunk = new byte[SafetensorsReader.CHUNK_BYTES];
            for (SafetensorsEntry e : entries) {
                Tensor t = tensors.get(e.name());
                writeData(ch, t, storedAs(t.dtype(), floatsAs), chunk);
            }
        });
    }

    private static DType storedAs(DType dtype, DType floatsAs) {
        return floatsAs != null && dtype.isFloating() ? floatsAs : dtype;
    }

    /** Streams a tensor's elements as {@code stored}, converting chunk by chunk (on the CPU) when it differs. */
    private static void writeData(FileChannel ch, Tensor t, DType stored, byte[] chunk) throws IOException {
        long numel = t.numel();
        if (numel == 0) return;
        int item = Math.max(t.dtype().byteSize(), stored.byteSize()); // chunk elements sized for the wider side
        int outItem = stored.byteSize();
        try (Tensor c = t.contiguous()) {
            long done = 0; // elements; a chunk is a 1-D view of the contiguous copy at an element offset
            while (done < numel) {
                int count = (int) Math.min(chunk.length / item, numel - done);
                byte[] bytes = count * outItem == chunk.length ? chunk : new byte[count * outItem];
                try (Tensor part = c.view(new int[] {count}, new long[] {1}, c.offset() + done)) {
                    if (stored == t.dtype()) {
                        part.backend().downloadBytes(part, bytes);
                    } else {
                        try (Tensor host = part.device().isCpu() ? part.contiguous() : part.to(Device.CPU);
                                Tensor converted = host.toDType(stored)) {
                            converted.backend().downloadBytes(converted, bytes);
                        }
                    }
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
