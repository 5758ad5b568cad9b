package io.weakpair.cli;

/** Defaults that {@code search} and {@code serve} share. */
final class SearchDefaults {
    /**
     * HNSW candidates per query (Lucene's KnnFloatVectorQuery k). 200 meets recall@10 >= 0.98 at 1M vectors (0.993, search
     * p95 13.6 ms; 100 gave 0.9785) and gives 1.000 at 100k: bench/RESULTS.md, "Person search at scale".
     */
    static final int CANDIDATES = 200;

    private SearchDefaults() {}
}
