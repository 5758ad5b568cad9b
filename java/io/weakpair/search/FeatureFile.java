package io.weakpair.search;

import io.weakpair.io.Safetensors;
import io.weakpair.io.SafetensorsDType;
import io.weakpair.io.SafetensorsEntry;
import io.weakpair.io.SafetensorsReader;
import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Precomputed gallery features: a safetensors file with {@code image_feat} F32 [N, E] (what
 * {@code weakpair embed} writes) and optionally {@code identity} I32/I64 [N]. Row {@code i}
 * is indexed under the path {@code FILE#i}: there is no image behind it, so such an index
 * serves searches but neither thumbnails nor re-ranking. Read in chunks, so a million rows
 * never sit in the Java heap at once.
 */
public final class FeatureFile {
    public static final String FEATURES = "image_feat";
    public static final String IDENTITY = "identity";
    private static final int CHUNK = 8192;

    /** Receives row {@code row} (its pseudo-path, identity or -1, feature). */
    @FunctionalInterface
    public interface RowSink {
        void accept(int row, String path, int identity, float[] feature) throws IOException;
    }

    private FeatureFile() {}

    /** The number of rows, from the header alone. */
    public static int rows(Path file) throws IOException {
        try (SafetensorsReader reader = Safetensors.open(file)) {
            SafetensorsEntry e = reader.entries().get(FEATURES);
            return e == null || e.rank() < 1 ? 0 : e.shape()[0];
        }
    }

    /** Streams every row to {@code sink}; returns the number of rows. */
    public static int read(Path file, int embedDim, RowSink sink) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        try (SafetensorsReader reader = Safetensors.open(file)) {
            SafetensorsEntry e = reader.entries().get(FEATURES);
            if (e == null)
                throw new IllegalArgumentException(file + ": no '" + FEATURES + "' tensor (has "
                        + reader.entries().keySet() + ")");
            if (e.dtype() != SafetensorsDType.F32)
                throw new IllegalArgumentException(file + ": " + FEATURES + " must be F32, got " + e.dtype());
            int[] shape = e.shape();
            if (shape.length != 2 || shape[1] != embedDim)
                throw new IllegalArgumentException(file + ": " + FEATURES + " must be [N, " + embedDim
                        + "] (the checkpoint's embed dim), got " + java.util.Arrays.toString(shape));
            int n = shape[0];
            long[] identity = identities(reader, file, n);
            try (Tensor all = reader.read(FEATURES)) {
                for (int start = 0; start < n; start += CHUNK) {
                    int end = Math.min(n, start + CHUNK);
                    float[] rows;
                    try (Tensor slice = F.slice(all, 0, start, end)) {
                        rows = slice.toFloatArray();
                    }
                    for (int i = start; i < end; i++) {
                        float[] f = new float[embedDim];
                        System.arraycopy(rows, (i - start) * embedDim, f, 0, embedDim);
                        sink.accept(i, abs + "#" + i, identity == null ? -1 : (int) identity[i], f);
                    }
                }
            }
            return n;
        }
    }

    private static long[] identities(SafetensorsReader reader, Path file, int n) throws IOException {
        SafetensorsEntry e = reader.entries().get(IDENTITY);
        if (e == null) return null;
        if ((e.dtype() != SafetensorsDType.I32 && e.dtype() != SafetensorsDType.I64)
                || e.rank() != 1
                || e.shape()[0] != n)
            throw new IllegalArgumentException(file + ": " + IDENTITY + " must be I32 or I64 [" + n + "], got " + e);
        try (Tensor t = reader.read(IDENTITY)) {
            long[] v = t.toLongArray();
            for (int i = 0; i < n; i++)
                if (v[i] < -1 || v[i] > Integer.MAX_VALUE)
                    throw new IllegalArgumentException(
                            file + ": " + IDENTITY + " value " + v[i] + " at row " + i + " is out of range");
            return v;
        }
    }
}
