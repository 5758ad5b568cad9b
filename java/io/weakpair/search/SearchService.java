package io.weakpair.search;

import io.weakpair.tensor.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An index and the checkpoint that built it, ready for captions: what {@code search} and
 * {@code serve} share. Opening checks that the checkpoint's fingerprint is the index's, so
 * a query is never encoded by another model than the one that made the image features.
 */
public final class SearchService implements AutoCloseable {
    /** Most hits one query may ask for. */
    public static final int MAX_K = 1000;

    /** The hits and how long each stage took. */
    public record Result(List<Hit> hits, double encodeMs, double searchMs, double rerankMs) {
        public double totalMs() {
            return encodeMs + searchMs + rerankMs;
        }
    }

    private final GalleryIndex index;
    private final QueryEncoder encoder;
    private final Path checkpoint;

    private SearchService(GalleryIndex index, QueryEncoder encoder, Path checkpoint) {
        this.index = index;
        this.encoder = encoder;
        this.checkpoint = checkpoint;
    }

    /** @param checkpoint the checkpoint to use, or null for the one the index records */
    public static SearchService open(Path indexDir, Path checkpoint, Device device) throws IOException {
        GalleryIndex index = GalleryIndex.open(indexDir);
        try {
            IndexMetadata meta = index.metadata();
            Path ck = checkpoint != null ? checkpoint : Path.of(meta.checkpointPath());
            if (!Files.isRegularFile(ck))
                throw new IllegalArgumentException(
                        checkpoint != null
                                ? "--checkpoint file not found: " + ck
                                : "the index's checkpoint " + ck
                                        + " is gone; pass the same checkpoint with --checkpoint");
            String sha = CheckpointFingerprint.of(ck);
            if (!sha.equals(meta.checkpointSha256()))
                throw new IllegalArgumentException("checkpoint " + ck + " (SHA-256 " + sha.substring(0, 12)
                        + "...) is not the one that built " + indexDir + " (SHA-256 "
                        + meta.checkpointSha256().substring(0, 12) + "...); use that checkpoint or re-index");
            return new SearchService(index, QueryEncoder.load(ck, device), ck);
        } catch (IOException | RuntimeException e) {
            index.close();
            throw e;
        }
    }

    public GalleryIndex index() {
        return index;
    }

    public QueryEncoder encoder() {
        return encoder;
    }

    public Path checkpoint() {
        return checkpoint;
    }

    /**
     * The top {@code k} for a caption: HNSW exploring {@code candidates} neighbours (or the
     * exact scan), then, when {@code rerank > 0}, the first {@code rerank} re-ranked by ITM.
     */
    public Result search(String caption, int k, int candidates, int rerank, boolean exact) throws IOException {
        if (k < 1 || k > MAX_K) throw new IllegalArgumentException("k must be in [1, " + MAX_K + "], got " + k);
        if (rerank < 0 || rerank > MAX_K)
            throw new IllegalArgumentException("rerank must be in [0, " + MAX_K + "], got " + rerank);
        long t0 = System.nanoTime();
        float[] query = encoder.encode(caption);
        long t1 = System.nanoTime();
        int want = Math.max(k, rerank);
        List<Hit> hits = exact ? index.exactSearch(query, want) : index.search(query, want, Math.max(want, candidates));
        long t2 = System.nanoTime();
        if (rerank > 0) hits = encoder.rerank(caption, hits, rerank);
        long t3 = System.nanoTime();
        return new Result(
                List.copyOf(hits.subList(0, Math.min(k, hits.size()))),
                (t1 - t0) / 1e6,
                (t2 - t1) / 1e6,
                (t3 - t2) / 1e6);
    }

    @Override
    public void close() throws IOException {
        try {
            encoder.close();
        } finally {
            index.close();
        }
    }
}
