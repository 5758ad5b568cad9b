package io.weakpair.search;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.VectorUtil;

/**
 * A gallery index opened for queries. Both rankings order by Lucene's dot-product score and
 * then by image id, so the approximate (HNSW) and the exact (brute-force) top k agree
 * wherever the graph found the true neighbours, ties included; the reported score is the
 * dot product itself.
 */
public final class GalleryIndex implements Closeable {
    static final String VECTOR = "vector";
    static final String ID = "id";
    static final String ID_VALUES = "id_dv";
    static final String PATH = "path";
    static final String IDENTITY = "identity";
    static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;

    private final Path dir;
    private final Directory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final IndexMetadata metadata;

    private GalleryIndex(Path dir, Directory directory, DirectoryReader reader, IndexMetadata metadata) {
        this.dir = dir;
        this.directory = directory;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.metadata = metadata;
    }

    /** Opens an existing index; a folder that holds none is a one-line error naming it. */
    public static GalleryIndex open(Path dir) throws IOException {
        if (!Files.isDirectory(dir))
            throw new IllegalArgumentException("--index " + dir + ": no such folder (build one with 'weakpair index')");
        Directory d = FSDirectory.open(dir);
        try {
            if (!DirectoryReader.indexExists(d))
                throw new IllegalArgumentException(
                        "--index " + dir + " holds no index (build one with 'weakpair index')");
            DirectoryReader r = DirectoryReader.open(d);
            try {
                return new GalleryIndex(
                        dir, d, r, IndexMetadata.fromMap(r.getIndexCommit().getUserData(), dir));
            } catch (RuntimeException e) {
                r.close();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
    }

    public Path folder() {
        return dir;
    }

    public IndexMetadata metadata() {
        return metadata;
    }

    /** Number of images in the index. */
    public int size() {
        return reader.numDocs();
    }

    /**
     * The approximate top {@code k}: HNSW explores {@code candidates} (>= k) neighbours per
     * segment (Lucene's KnnFloatVectorQuery k, the "ef" of the search), the best k are kept.
     */
    public List<Hit> search(float[] query, int k, int candidates) throws IOException {
        checkQuery(query, k);
        if (candidates < k)
            throw new IllegalArgumentException(
                    "search: candidates (" + candidates + ") must be at least k (" + k + ")");
        TopDocs top = searcher.search(new KnnFloatVectorQuery(VECTOR, query, candidates), candidates);
        List<Scored> scored = new ArrayList<>(top.scoreDocs.length);
        ScoreDoc[] byDoc = top.scoreDocs.clone();
        Arrays.sort(byDoc, Comparator.comparingInt(s -> s.doc));
        IdLookup ids = new IdLookup();
        FloatLookup floats = metadata.quantized() ? new FloatLookup() : null;
        // An int8 graph scores with quantised vectors: the candidates are scored again with their floats (the
        // exact scan's function), so only which candidates were found is approximate, not their order.
        for (ScoreDoc s : byDoc)
            scored.add(new Scored(
                    floats == null ? s.score : SIMILARITY.compare(query, floats.vector(s.doc)), ids.id(s.doc), s.doc));
        scored.sort(Scored.ORDER);
        return hits(scored.subList(0, Math.min(k, scored.size())), query);
    }

    /** The exact top {@code k}: every vector scored (what recall is measured against). */
    public List<Hit> exactSearch(float[] query, int k) throws IOException {
        checkQuery(query, k);
        PriorityQueue<Scored> worst = new PriorityQueue<>(k + 1, Scored.ORDER.reversed());
        for (LeafReaderContext leaf : reader.leaves()) {
            LeafReader r = leaf.reader();
            FloatVectorValues vectors = r.getFloatVectorValues(VECTOR);
            if (vectors == null) continue;
            NumericDocValues ids = r.getNumericDocValues(ID_VALUES);
            Bits live = r.getLiveDocs();
            for (int doc = vectors.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = vectors.nextDoc()) {
                if (live != null && !live.get(doc)) continue;
                float score = SIMILARITY.compare(query, vectors.vectorValue());
                if (worst.size() == k && score < worst.peek().score) continue;
                if (!ids.advanceExact(doc))
                    throw new IllegalStateException(dir + ": document " + doc + " has no image id");
                worst.add(new Scored(score, (int) ids.longValue(), leaf.docBase + doc));
                if (worst.size() > k) worst.poll();
            }
        }
        List<Scored> best = new ArrayList<>(worst);
        best.sort(Scored.ORDER);
        return hits(best, query);
    }

    /** The image with this id, if the index holds it (score and match NaN). */
    public Optional<Hit> image(int imageId) throws IOException {
        TopDocs top = searcher.search(new TermQuery(new Term(ID, Integer.toString(imageId))), 1);
        if (top.scoreDocs.length == 0) return Optional.empty();
        return Optional.of(stored(top.scoreDocs[0].doc, Float.NaN));
    }

    /** Every image with its vector, in index order (the OpenSearch export). */
    public void forEach(VectorVisitor visitor) throws IOException {
        StoredFields fields = reader.storedFields();
        for (LeafReaderContext leaf : reader.leaves()) {
            FloatVectorValues vectors = leaf.reader().getFloatVectorValues(VECTOR);
            if (vectors == null) continue;
            Bits live = leaf.reader().getLiveDocs();
            for (int doc = vectors.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = vectors.nextDoc()) {
                if (live != null && !live.get(doc)) continue;
                visitor.visit(stored(fields, leaf.docBase + doc, Float.NaN), vectors.vectorValue());
            }
        }
    }

    /** Receives each image and its vector (the array is reused: copy it to keep it). */
    @FunctionalInterface
    public interface VectorVisitor {
        void visit(Hit image, float[] vector) throws IOException;
    }

    private void checkQuery(float[] query, int k) {
        if (query == null || query.length != metadata.embedDim())
            throw new IllegalArgumentException("search: the query vector must have " + metadata.embedDim()
                    + " values, got " + (query == null ? "none" : query.length));
        if (k < 1) throw new IllegalArgumentException("search: k must be at least 1, got " + k);
    }

    private List<Hit> hits(List<Scored> scored, float[] query) throws IOException {
        StoredFields fields = reader.storedFields();
        List<Hit> out = new ArrayList<>(scored.size());
        for (Scored s : scored) out.add(stored(fields, s.doc, VectorUtil.dotProduct(query, vector(s.doc))));
        return out;
    }

    private float[] vector(int globalDoc) throws IOException {
        LeafReaderContext leaf = reader.leaves().get(ReaderUtil.subIndex(globalDoc, reader.leaves()));
        FloatVectorValues v = leaf.reader().getFloatVectorValues(VECTOR);
        if (v.advance(globalDoc - leaf.docBase) != globalDoc - leaf.docBase)
            throw new IllegalStateException(dir + ": document " + globalDoc + " has no vector");
        return v.vectorValue();
    }

    private Hit stored(int doc, float score) throws IOException {
        return stored(reader.storedFields(), doc, score);
    }

    private static Hit stored(StoredFields fields, int doc, float score) throws IOException {
        var d = fields.document(doc);
        var identity = d.getField(IDENTITY);
        return new Hit(
                Integer.parseInt(d.get(ID)),
                d.get(PATH),
                identity == null ? -1 : identity.numericValue().intValue(),
                score,
                Float.NaN);
    }

    /** Image ids by global document number, for documents visited in increasing order. */
    private final class IdLookup {
        private int leafIndex = -1;
        private NumericDocValues values;
        private int docBase;

        int id(int globalDoc) throws IOException {
            int li = ReaderUtil.subIndex(globalDoc, reader.leaves());
            if (li != leafIndex) {
                leafIndex = li;
                LeafReaderContext leaf = reader.leaves().get(li);
                values = leaf.reader().getNumericDocValues(ID_VALUES);
                docBase = leaf.docBase;
            }
            if (values == null || !values.advanceExact(globalDoc - docBase))
                throw new IllegalStateException(dir + ": document " + globalDoc + " has no image id");
            return (int) values.longValue();
        }
    }

    /** Float vectors by global document number, for documents visited in increasing order. */
    private final class FloatLookup {
        private int leafIndex = -1;
        private FloatVectorValues values;
        private int docBase;

        float[] vector(int globalDoc) throws IOException {
            int li = ReaderUtil.subIndex(globalDoc, reader.leaves());
            if (li != leafIndex) {
                leafIndex = li;
                LeafReaderContext leaf = reader.leaves().get(li);
                values = leaf.reader().getFloatVectorValues(VECTOR);
                docBase = leaf.docBase;
            }
            int doc = globalDoc - docBase;
            if (values == null || (values.docID() != doc && values.advance(doc) != doc))
                throw new IllegalStateException(dir + ": document " + globalDoc + " has no vector");
            return values.vectorValue();
        }
    }

    /** A candidate: higher score first, then lower image id. */
    private record Scored(float score, int id, int doc) {
        static final Comparator<Scored> ORDER =
                Comparator.comparingDouble((Scored s) -> -s.score).thenComparingInt(s -> s.id);
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
        } finally {
            directory.close();
        }
    }
}
