package io.weakpair.search;

import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
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

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Adds images to a gallery index, creating it if the folder holds none. An existing index
 * keeps its checkpoint: a different one is refused (its vectors would not be comparable), and
 * its HNSW parameters, so new segments are built like the old ones. Paths already indexed are
 * skipped, so re-running {@code index} on a grown folder adds only the new images. Nothing is
 * visible to readers before {@link #commit()} (a Lucene commit is atomic).
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

    private GalleryWriter(Path dir, Directory directory, IndexWriter writer, IndexMetadata metadata, Set<String> paths) {
        this.dir = dir;
        this.directory = directory;
        this.writer = writer;
        this.metadata = metadata;
        this.paths = paths;
    }

    /**
     * Opens {@code dir} for adding, or creates an index there with {@code wanted}'s settings.
     * An existing index must have been built with the same checkpoint fingerprint.
     *
     * @param ramBufferMb how much Lucene buffers (vectors and graph) before writing a segment
     */
    public static GalleryWriter open(Path dir, IndexMetadata wanted, double ramBufferMb) throws IOException {
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
                throw new IllegalArgumentException("--out " + dir + " is a folder that holds other files, not an index; choose a new folder");
            }
            IndexWriterConfig cfg = new IndexWriterConfig()
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(ramBufferMb)
                    .setCodec(codec(meta.maxConn(), meta.beamWidth()));
            IndexWriter w = new IndexWriter(d, cfg);
            return new GalleryWriter(dir, d, w, meta, known);
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    /** Lucene's default codec with our graph parameters for the vector field. */
    private static Lucene912Codec codec(int maxConn, int beamWidth) {
        return new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return new Lucene99HnswVectorsFormat(maxConn, beamWidth);
            }
        };
    }

    private static void checkSameModel(Path dir, IndexMetadata have, IndexMetadata wanted) {
        if (!have.checkpointSha256().equals(wanted.checkpointSha256()))
            throw new IllegalArgumentException("the index " + dir + " was built with checkpoint " + have.checkpointPath() + " (SHA-256 "
                    + have.checkpointSha256().substring(0, 12) + "...), not with " + wanted.checkpointPath() + " (SHA-256 "
                    + wanted.checkpointSha256().substring(0, 12) + "...): features of different models cannot be mixed; "
                    + "index into a new --out folder");
        if (have.embedDim() != wanted.embedDim())
            throw new IllegalArgumentException("the index " + dir + " holds " + have.embedDim() + "-d vectors, the checkpoint makes "
                    + wanted.embedDim() + "-d ones");
    }

    private static void readPaths(DirectoryReader r, Set<String> out) throws IOException {
        StoredFields fields = r.storedFields();
        for (LeafReaderContext leaf : r.leaves()) {
            Bits live = leaf.reader().getLiveDocs();
            for (int doc = 0; doc < leaf.reader().maxDoc(); doc++)
                if (live == null || live.get(doc)) out.add(fields.document(leaf.docBase + doc, Set.of(GalleryIndex.PATH)).get(GalleryIndex.PATH));
        }
    }

    private static boolean hasFiles(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    public IndexMetadata metadata() { return metadata; }

    /** Whether an image with this path is already in the index (or was added since opening). */
    public boolean contains(String path) { return paths.contains(path); }

    /** Images added since opening. */
    public int added() { return added; }

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
        writer.addDocument(doc);
        paths.add(path);
        metadata = metadata.withNextId(id + 1);
        added++;
        return id;
    }

    private void checkVector(String path, float[] v) {
        if (v == null || v.length != metadata.embedDim())
            throw new IllegalArgumentException("index: the vector of " + path + " must have " + metadata.embedDim() + " values, got "
                    + (v == null ? "none" : v.length));
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
            writer.rollback();
        } finally {
            directory.close();
        }
    }
}
