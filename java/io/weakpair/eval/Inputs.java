package io.weakpair.eval;

/** Argument checks shared by the evaluator and the re-ranker; each failure names what is wrong. */
final class Inputs {
    private Inputs() {}

    /**
     * A row-major [queries][gallery] score matrix: positive sizes, the matching length, no NaN
     * (and, with {@code finite}, no infinity). Scanned once, in order, so the error names the
     * first bad entry whatever the threads would have done.
     */
    static void similarity(String op, float[] similarity, int queries, int gallery, boolean finite) {
        if (similarity == null) throw new IllegalArgumentException(op + ": similarity is null");
        if (queries < 1) throw new IllegalArgumentException(op + ": queries must be at least 1, got " + queries);
        if (gallery < 1) throw new IllegalArgumentException(op + ": gallery must be at least 1, got " + gallery);
        if ((long) queries * gallery != similarity.length) {
            throw new IllegalArgumentException(op + ": similarity has length " + similarity.length
                    + ", expected queries x gallery = " + queries + " x " + gallery + " = " + (long) queries * gallery);
        }
        for (int i = 0; i < similarity.length; i++) {
            float s = similarity[i];
            if (Float.isNaN(s))
                throw new IllegalArgumentException(op + ": similarity " + Ranking.nanMessage(i / gallery, i % gallery));
            if (finite && Float.isInfinite(s)) {
                throw new IllegalArgumentException(op + ": similarity of query " + i / gallery + ", gallery index "
                        + i % gallery + " is " + s + "; standardising needs finite scores");
            }
        }
    }

    /** Label arrays of the stated sizes. */
    static void labels(String op, int[] queryLabels, int queries, int[] galleryLabels, int gallery) {
        if (queryLabels == null) throw new IllegalArgumentException(op + ": queryLabels is null");
        if (galleryLabels == null) throw new IllegalArgumentException(op + ": galleryLabels is null");
        if (queryLabels.length != queries) {
            throw new IllegalArgumentException(op + ": queryLabels has length " + queryLabels.length + ", expected "
                    + queries + " (one per query)");
        }
        if (galleryLabels.length != gallery) {
            throw new IllegalArgumentException(op + ": galleryLabels has length " + galleryLabels.length + ", expected "
                    + gallery + " (one per gallery image)");
        }
    }

    static void topK(String op, int topK) {
        if (topK < 1) throw new IllegalArgumentException(op + ": topK must be at least 1, got " + topK);
    }

    /**
     * Match scores [queries][min(topK, gallery)], one per candidate in similarity order; no NaN
     * (and, with {@code finite}, no infinity).
     */
    static void matchScores(String op, float[][] matchScores, int queries, int k, boolean finite) {
        if (matchScores == null) throw new IllegalArgumentException(op + ": matchScores is null");
        if (matchScores.length != queries) {
            throw new IllegalArgumentException(
                    op + ": matchScores has " + matchScores.length + " rows, expected " + queries + " (one per query)");
        }
        for (int q = 0; q < queries; q++) {
            float[] row = matchScores[q];
            if (row == null) throw new IllegalArgumentException(op + ": matchScores of query " + q + " is null");
            if (row.length != k) {
                throw new IllegalArgumentException(op + ": matchScores of query " + q + " has length " + row.length
                        + ", expected min(topK, gallery) = " + k + " (one per candidate)");
            }
            for (int i = 0; i < k; i++) {
                if (Float.isNaN(row[i]))
                    throw new IllegalArgumentException(
                            op + ": match score of query " + q + ", candidate " + i + " is NaN");
                if (finite && Float.isInfinite(row[i])) {
                    throw new IllegalArgumentException(op + ": match score of query " + q + ", candidate " + i + " is "
                            + row[i] + "; standardising needs finite scores");
                }
            }
        }
    }
}
