package io.weakpair.io;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An open safetensors file: the validated header, and tensors read one at a time on demand.
 * Data is streamed through a bounded buffer straight into each tensor's native memory, so a
 * checkpoint larger than the Java heap loads without trouble.
 *
 * <p>Tensors returned by {@link #read} follow the usual ownership rule: they belong to the
 * scope open on this thread, or to the caller when none is.
 */
public final class SafetensorsReader implements AutoCloseable {
    /** A header longer than this is taken as corruption rather than allocated. */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    /** Bytes moved per read; a multiple of every item size. */
    static final int CHUNK_BYTES = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final SafetensorsHeader header;

    private SafetensorsReader(Path file, FileChannel channel, long dataStart, SafetensorsHeader header) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.header = header;
    }

    /** Opens a file and validates its header; no tensor data is read yet. */
    public static SafetensorsReader open(Path file) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such safetensors file");
        }
        try {
            long size = channel.size();
            if (size < 8)
                throw new SafetensorsFormatException(
                        file, "truncated: " + size + " bytes, too short for the 8-byte header length");
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, null, channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES)
                throw new SafetensorsFormatException(
                        file,
                        "header length " + Long.toUnsignedString(headerLength) + " is absurd (the limit is "
                                + MAX_HEADER_BYTES + " bytes): not a safetensors file, or corrupt");
            if (headerLength > size - 8)
                throw new SafetensorsFormatException(
                        file,
                        "header length " + headerLength + " exceeds the " + (size - 8)
                                + " bytes that follow it (truncated file?)");
            ByteBuffer json = ByteBuffer.allocate((int) headerLength);
            readFully(file, null, channel, json, 8);
            long dataStart = 8 + headerLength;
            SafetensorsHeader header = SafetensorsHeader.parse(file, json.array(), size - dataStart);
            return new SafetensorsReader(file, channel, dataStart, header);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    public SafetensorsHeader header() {
        return header;
    }

    /** Entries by name, in file order. */
    public Map<String, SafetensorsEntry> entries() {
        return header.entries();
    }

    public Map<String, String> metadata() {
        return header.metadata();
    }

    public boolean contains(String name) {
        return header.entries().containsKey(name);
    }

    /** Reads one tensor into a new contiguous CPU tensor (F16 and BF16 widened to F32). */
    public Tensor read(String name) throws IOException {
        SafetensorsEntry e = header.entries().get(name);
        if (e == null) throw new SafetensorsFormatException(file, name, "is not in the file");
        Tensor t = Tensor.empty(e.dtype().readAs(), Device.CPU, e.shape());
        try {
            readInto(e, t);
        } catch (IOException | RuntimeException ex) {
            t.close();
            throw ex;
        }
        return t;
    }

    /** Reads every tensor, in file order. On failure the tensors read so far are closed. */
    public NamedTensors readAll() throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try {
            for (String name : header.entries().keySet()) out.put(name, read(name));
        } catch (IOException | RuntimeException ex) {
            out.values().forEach(Tensor::close);
            throw ex;
        }
        return new NamedTensors(out, header.metadata());
    }

    private void readInto(SafetensorsEntry e, Tensor dst) throws IOException {
        long numel = e.numel();
        if (numel == 0) return;
        int item = e.dtype().itemSize();
        byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, e.byteSize())];
        ByteBuffer buffer = ByteBuffer.wrap(chunk);
        long done = 0; // elements; dst is contiguous, so a chunk is a 1-D view at an element offset
        while (done < numel) {
            int count = (int) Math.min(chunk.length / item, numel - done);
            buffer.clear().limit(count * item);
            readFully(file, e.name(), channel, buffer, dataStart + e.begin() + done * item);
            try (Tensor part = dst.view(new int[] {count}, new long[] {1}, dst.offset() + done)) {
                if (e.dtype().widens()) part.backend().upload(part, widen(e.dtype(), chunk, count));
                else
                    part.backend()
                            .uploadBytes(
                                    part, count * item == chunk.length ? chunk : Arrays.copyOf(chunk, count * item));
            }
            done += count;
        }
    }

    private static float[] widen(SafetensorsDType dtype, byte[] bytes, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            short bits = (short) ((bytes[2 * i] & 0xff) | (bytes[2 * i + 1] & 0xff) << 8);
            out[i] = dtype == SafetensorsDType.F16 ? HalfFloats.halfToFloat(bits) : HalfFloats.bfloat16ToFloat(bits);
        }
        return out;
    }

    private static void readFully(Path file, String tensor, FileChannel ch, ByteBuffer buf, long position)
            throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0)
                throw new SafetensorsFormatException(
                        file, tensor, "the file ended at byte " + pos + " (truncated while reading?)");
            pos += n;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
