package io.weakpair.eval;

/**
 * Per-query results, filled in any order (by parallel workers, each query by one), then
 * averaged in query order so the sums do not depend on the threads.
 */
final class QueryOutcomes {
    private final int[] firstRank;
    private final double[] ap;
    private final double[] inp;

    QueryOutcomes(int queries) {
        firstRank = new int[queries];
        ap = new double[queries];
        inp = new double[queries];
    }

    /** Query {@code q}'s results from the 1-based ranks of its correct images, ascending, at least one. */
    void record(int q, int[] ranks) {
        int m = ranks.length;
        double sum = 0.0;
        // Precision at the j-th correct image (0-based j): j + 1 correct among the first ranks[j].
        for (int j = 0; j < m; j++) sum += (double) (j + 1) / ranks[j];
        firstRank[q] = ranks[0];
        ap[q] = sum / m;
        inp[q] = (double) m / ranks[m - 1];
    }

    RetrievalMetrics metrics() {
        int n = firstRank.length;
        int hit1 = 0, hit5 = 0, hit10 = 0;
        double apSum = 0.0, inpSum = 0.0;
        for (int q = 0; q < n; q++) {
            if (firstRank[q] <= 1) hit1++;
            if (firstRank[q] <= 5) hit5++;
            if (firstRank[q] <= 10) hit10++;
            apSum += ap[q];
            inpSum += inp[q];
        }
        return new RetrievalMetrics((double) hit1 / n, (double) hit5 / n, (double) hit10 / n, apSum / n, inpSum / n, n);
    }
}
