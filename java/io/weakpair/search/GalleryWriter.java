package io.weakpair.search;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * Adds images to a gallery index, creating it if the folder holds none. An existing index
 * keeps its checkpoint: a different one is refused (its vectors would not be comparable), and
 * its HNSW parameters, so new segments are built like the old ones. Paths already indexed are
 * skipped, so re-running {@code index} on a grown folder adds only the new images. Nothing is
 * visible to readers before {@link #commit()} (a Lucene commit is atomic).
 *
 * <p>With more than one build thread, documents are handed to that many indexing threads (each
 * fills its own Lucene segment and builds that segment's HNSW graph), and merging, {@link
 * #forceMerge()} included, inserts into the merged graph with as many workers (Lucene's
 * {@code numMergeWorkers}). Image ids are still given in the order of {@link #add} calls.
 */
public final class GalleryWriter implements Closeable {
    /** How far from 1 a vector's length may be: features are L2-normalised float32, so only rounding is allowed. */
    static final double NORM_TOLERANCE = 1e-3;

    private final Path dir;
    private final Directory directory;
    private final IndexWriter writer;
    private final Set<String> paths;
    private IndexMetadata metadata;
    private int added;
    /** Null with one build thread: documents are then added on the caller's thread. */
    private final ExecutorService adders;

    private final ExecutorService mergeWorkers;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private GalleryWriter(
            Path dir,
            Directory directory,
            IndexWriter writer,
            IndexMetadata metadata,
            Set<String> paths,
            ExecutorService adders,
            ExecutorService mergeWorkers,
            int maxInFlight) {
        this.dir = dir;
        this.directory = directory;
        this.writer = writer;
        this.metadata = metadata;
        this.paths = paths;
        this.adders = adders;
        this.mergeWorkers = mergeWorkers;
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
    }

    /** {@link #open(Path, IndexMetadata, double, int)} with one build thread. */
    public static GalleryWriter open(Path dir, IndexMetadata wanted, double ramBufferMb) throws IOException {
        return open(dir, wanted, ramBufferMb, 1);
    }

    /**
     * Opens {@code dir} for adding, or creates an index there with {@code wanted}'s settings.
     * An existing index must have been built with the same checkpoint fingerprint.
     *
     * @param ramBufferMb  how much Lucene buffers (vectors and graph) before writing a segment
     * @param buildThreads threads that add documents and workers that merge graphs (>= 1)
     */
    public static GalleryWriter open(Path dir, IndexMetadata wanted, double ramBufferMb, int buildThreads)
            throws IOException {
        if (buildThreads < 1 || buildThreads > 256)
            throw new IllegalArgumentException("--build-threads must be in [1, 256], got " + buildThreads);
        if (Files.exists(dir) && !Files.isDirectory(dir))
            throw new IllegalArgumentException("--out " + dir + " is a file, not an index folder");
        Files.createDirectories(dir);
        Directory d = FSDirectory.open(dir);
        try {
            IndexMetadata meta = wanted;
            Set<String> known = new HashSet<>();
            if (DirectoryReader.indexExists(d)) {
                try (DirectoryReader r = DirectoryReader.open(d)) {
                    meta = IndexMetadata.fromMap(r.getIndexCommit().getUserData(), dir);
                    checkSameModel(dir, meta, wanted);
                    readPaths(r, known);
                }
            } else if (hasFiles(dir)) {
                throw new IllegalArgumentException(
                        "--out " + dir + " is a folder that holds other files, not an index; choose a new folder");
            }
            ExecutorService mergeWorkers =
                    buildThreads > 1 ? Executors.newFixedThreadPool(buildThreads, daemon("hnsw-merge")) : null;
            ExecutorService adders =
                    buildThreads > 1 ? Executors.newFixedThreadPool(buildThreads, daemon("index-add")) : null;
            try {
                IndexWriterConfig cfg = new IndexWriterConfig()
                        .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                        .setRAMBufferSizeMB(ramBufferMb)
                        .setCodec(codec(meta, buildThreads, mergeWorkers));
                IndexWriter w = new IndexWriter(d, cfg);
                // A few documents queued per thread keep every thread busy without holding the gallery in memory.
                return new GalleryWriter(dir, d, w, meta, known, adders, mergeWorkers, 64 * buildThreads);
            } catch (IOException | RuntimeException e) {
                if (adders != null) adders.shutdownNow();
                if (mergeWorkers != null) mergeWorkers.shutdownNow();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Lucene's default codec with our graph parameters for the vector field: float32 vectors, or
     * int8 ones (7 bits per value, Lucene's default quantile bounds; the floats are kept too).
     */
    private static Lucene912Codec codec(IndexMetadata meta, int workers, ExecutorService mergeWorkers) {
        KnnVectorsFormat format = meta.quantized()
                ? new Lucene99HnswScalarQuantizedVectorsFormat(
                        meta.maxConn(), meta.beamWidth(), workers, 7, false, null, mergeWorkers)
                : new Lucene99HnswVectorsFormat(meta.maxConn(), meta.beamWidth(), workers, mergeWorkers);
        return new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
    }

    private static void checkSameModel(Path dir, IndexMetadata have, IndexMetadata wanted) {
        if (!have.checkpointSha256().equals(wanted.checkpointSha256()))
            throw new IllegalArgumentException(
                    "the index " + dir + " was built with checkpoint " + have.checkpointPath() + " (SHA-256 "
                            + have.checkpointSha256().substring(0, 12) + "...), not with " + wanted.checkpointPath()
                            + " (SHA-256 "
                            + wanted.checkpointSha256().substring(0, 12)
                            + "...): features of different models cannot be mixed; "
                            + "index into a new --out folder");
        if (have.embedDim() != wanted.embedDim())
            throw new IllegalArgumentException("the index " + dir + " holds " + have.embedDim()
                    + "-d vectors, the checkpoint makes " + wanted.embedDim() + "-d ones");
    }

    private static void readPaths(DirectoryReader r, Set<String> out) throws IOException {
        StoredFields fields = r.storedFields();
        for (LeafReaderContext leaf : r.leaves()) {
            Bits live = leaf.reader().getLiveDocs();
            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++)
                if (live == null || live.get(doc))
                    out.add(fields.document(leaf.docBase + doc, Set.of(GalleryIndex.PATH))
                            .get(GalleryIndex.PATH));
        }
    }

    private static boolean hasFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    public IndexMetadata metadata() {
        return metadata;
    }

    /** Whether an image with this path is already in the index (or was added since opening). */
    public boolean contains(String path) {
        return paths.contains(path);
    }

    /** Images added since opening. */
    public int added() {
        return added;
    }

    /**
     * Adds one image and returns its id.
     *
     * @param identity the person's identity, or -1 when unknown
     * @param vector   its unit-length feature (copied by Lucene before this returns)
     */
    public int add(String path, int identity, float[] vector) throws IOException {
        if (path == null || path.isEmpty()) throw new IllegalArgumentException("index: an image needs a path");
        if (paths.contains(path)) throw new IllegalArgumentException("index: " + path + " is already in " + dir);
        checkVector(path, vector);
        int id = metadata.nextId();
        Document doc = new Document();
        doc.add(new StringField(GalleryIndex.ID, Integer.toString(id), Field.Store.YES));
        doc.add(new NumericDocValuesField(GalleryIndex.ID_VALUES, id));
        doc.add(new StoredField(GalleryIndex.PATH, path));
        if (identity >= 0) doc.add(new StoredField(GalleryIndex.IDENTITY, identity));
        doc.add(new KnnFloatVectorField(GalleryIndex.VECTOR, vector, GalleryIndex.SIMILARITY));
        rethrowFailure();
        if (adders == null) writer.addDocument(doc);
        else addConcurrently(doc);
        paths.add(path);
        metadata = metadata.withNextId(id + 1);
        added++;
        return id;
    }

    private void addConcurrently(Document doc) throws IOException {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("index: interrupted while adding to " + dir, e);
        }
        adders.execute(() -> {
            try {
                if (failure.get() == null) writer.addDocument(doc);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                inFlight.release();
            }
        });
    }

    /** Waits until every document handed to the indexing threads is in the writer. */
    private void drain() throws IOException {
        if (adders == null) return;
        try {
            inFlight.acquire(maxInFlight);
            inFlight.release(maxInFlight);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("index: interrupted while adding to " + dir, e);
        }
        rethrowFailure();
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            pool.awaitTermination(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void rethrowFailure() throws IOException {
        Throwable t = failure.get();
        if (t == null) return;
        if (t instanceof IOException io)
            throw new IOException("index: adding to " + dir + " failed: " + io.getMessage(), io);
        if (t instanceof RuntimeException re) throw re;
        throw new IllegalStateException("index: adding to " + dir + " failed: " + t, t);
    }

    private void checkVector(String path, float[] v) {
        if (v == null || v.length != metadata.embedDim())
            throw new IllegalArgumentException("index: the vector of " + path + " must have " + metadata.embedDim()
                    + " values, got " + (v == null ? "none" : v.length));
        double n = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) throw new IllegalArgumentException("index: the vector of " + path + " holds " + x);
            n += (double) x * x;
        }
        if (Math.abs(Math.sqrt(n) - 1) > NORM_TOLERANCE)
            throw new IllegalArgumentException("index: the vector of " + path + " has length " + Math.sqrt(n)
                    + "; dot-product search needs unit vectors (L2-normalise the features)");
    }

    /** Makes everything added so far durable and visible, with the metadata. */
    public void commit() throws IOException {
        drain();
        writer.setLiveCommitData(metadata.toMap().entrySet());
        writer.commit();
    }

    /** Merges the index into one segment (one HNSW graph: the fastest queries), then commits. */
    public void forceMerge() throws IOException {
        writer.forceMerge(1);
        commit();
    }

    /** Closes without committing what was added since the last commit. */
    @Override
    public void close() throws IOException {
        try {
            if (adders != null) {
                // Queued documents are dropped; the ones being added finish before the writer is rolled back.
                adders.shutdownNow();
                awaitQuietly(adders);
            }
            writer.rollback();
        } finally {
            try {
                if (mergeWorkers != null) mergeWorkers.shutdownNow();
            } finally {
                directory.close();
            }
        }
    }
}
