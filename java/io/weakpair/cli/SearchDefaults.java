package io.weakpair.cli;

/** Defaults that {@code search} and {@code serve} share. */
final class SearchDefaults {
    /** HNSW candidates per query (Lucene's KnnFloatVectorQuery k): measured in bench/RESULTS.md ("Person search at scale"). */
    static final int CANDIDATES = 100;

    private SearchDefaults() {}
}
