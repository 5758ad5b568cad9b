package io.weakpair.search;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What an index records about how its vectors were made, in each Lucene commit's user data:
 * the checkpoint (fingerprint, file, preset), the feature width, the HNSW build parameters
 * and the vectors' encoding (needed again to add images with the same graph settings) and the
 * next free image id. Indexes written before the encoding was recorded are float32.
 *
 * @param encoding how the graph stores vectors: {@link #FLOAT32}, or {@link #INT8} (Lucene's scalar
 *                 quantisation; the float vectors are kept beside it for exact scores)
 */
public record IndexMetadata(
        String checkpointSha256,
        String checkpointPath,
        String preset,
        int embedDim,
        int maxConn,
        int beamWidth,
        String encoding,
        int nextId) {
    static final String FORMAT = "weakpair-search/1";
    public static final String FLOAT32 = "float32";
    public static final String INT8 = "int8";

    public IndexMetadata {
        if (checkpointSha256 == null || checkpointSha256.length() != 64)
            throw new IllegalArgumentException(
                    "index metadata: checkpoint fingerprint must be 64 hex digits, got " + checkpointSha256);
        if (embedDim < 1)
            throw new IllegalArgumentException("index metadata: embed dim must be at least 1, got " + embedDim);
        if (maxConn < 2 || maxConn > 512)
            throw new IllegalArgumentException("--max-conn must be in [2, 512], got " + maxConn);
        if (beamWidth < 1 || beamWidth > 3200)
            throw new IllegalArgumentException("--beam-width must be in [1, 3200], got " + beamWidth);
        if (!FLOAT32.equals(encoding) && !INT8.equals(encoding))
            throw new IllegalArgumentException(
                    "--quantize: expected none or int8, got vector encoding '" + encoding + "'");
        if (nextId < 0) throw new IllegalArgumentException("index metadata: next id must be >= 0, got " + nextId);
    }

    boolean quantized() {
        return INT8.equals(encoding);
    }

    IndexMetadata withNextId(int id) {
        return new IndexMetadata(checkpointSha256, checkpointPath, preset, embedDim, maxConn, beamWidth, encoding, id);
    }

    Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("checkpoint_sha256", checkpointSha256);
        m.put("checkpoint_path", checkpointPath);
        m.put("preset", preset);
        m.put("embed_dim", Integer.toString(embedDim));
        m.put("hnsw_max_conn", Integer.toString(maxConn));
        m.put("hnsw_beam_width", Integer.toString(beamWidth));
        m.put("vector_encoding", encoding);
        m.put("next_id", Integer.toString(nextId));
        return m;
    }

    /** Reads the commit data of {@code where}; a missing or malformed field is an error naming the index. */
    static IndexMetadata fromMap(Map<String, String> m, Object where) {
        if (!FORMAT.equals(m.get("format")))
            throw new IllegalArgumentException(where + " is not a weakpair search index (format '" + m.get("format")
                    + "', expected '" + FORMAT + "')");
        try {
            return new IndexMetadata(
                    m.get("checkpoint_sha256"),
                    m.get("checkpoint_path"),
                    m.get("preset"),
                    Integer.parseInt(m.get("embed_dim")),
                    Integer.parseInt(m.get("hnsw_max_conn")),
                    Integer.parseInt(m.get("hnsw_beam_width")),
                    m.getOrDefault("vector_encoding", FLOAT32),
                    Integer.parseInt(m.get("next_id")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": malformed index metadata " + m + ": " + e.getMessage());
        }
    }
}
