package io.weakpair.eval;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * R@1/5/10, mAP and mINP of text-to-image retrieval (see the package documentation for the
 * protocol, the tie rule and why a query without a correct image is an error).
 */
public final class RetrievalEvaluator {
    private RetrievalEvaluator() {}

    /**
     * Metrics of the similarity ranking.
     *
     * @param similarity row-major [queries][gallery] scores, higher = better; no NaN
     * @param queryLabels [queries] the identity of each query
     * @param galleryLabels [gallery] the identity of each gallery image
     * @throws IllegalArgumentException on sizes that do not match, a NaN score (naming query
     *         and gallery index) or a query with no correct image (naming the query)
     */
    public static RetrievalMetrics evaluate(
            float[] similarity, int queries, int gallery, int[] queryLabels, int[] galleryLabels) {
        String op = "evaluate";
        Inputs.similarity(op, similarity, queries, gallery, false);
        Inputs.labels(op, queryLabels, queries, galleryLabels, gallery);
        CorrectImages correct = new CorrectImages(galleryLabels);
        correct.requireEvery(op, queryLabels);
        QueryOutcomes out = new QueryOutcomes(queries);
        IntStream.range(0, queries)
                .parallel()
                .forEach(q -> out.record(
                        q,
                        correctRanks(
                                similarity,
                                q * gallery,
                                gallery,
                                correct.of(queryLabels[q]),
                                galleryLabels,
                                queryLabels[q])));
        return out.metrics();
    }

    /**
     * Metrics of given full rankings.
     *
     * @param rankings [queries][gallery], each a permutation of 0..gallery-1, best first
     * @param queryLabels [queries] the identity of each query
     * @param galleryLabels [gallery] the identity of each gallery image
     * @throws IllegalArgumentException on sizes that do not match, a ranking that is not a
     *         permutation (naming the query and the index) or a query with no correct image
     */
    public static RetrievalMetrics evaluateRankings(int[][] rankings, int[] queryLabels, int[] galleryLabels) {
        String op = "evaluateRankings";
        if (rankings == null) throw new IllegalArgumentException(op + ": rankings is null");
        if (rankings.length < 1) throw new IllegalArgumentException(op + ": no rankings (queries must be at least 1)");
        if (galleryLabels == null) throw new IllegalArgumentException(op + ": galleryLabels is null");
        int gallery = galleryLabels.length;
        Inputs.labels(op, queryLabels, rankings.length, galleryLabels, gallery);
        for (int q = 0; q < rankings.length; q++) checkPermutation(op, rankings[q], q, gallery);
        CorrectImages correct = new CorrectImages(galleryLabels);
        correct.requireEvery(op, queryLabels);
        QueryOutcomes out = new QueryOutcomes(rankings.length);
        IntStream.range(0, rankings.length).parallel().forEach(q -> {
            int[] ranking = rankings[q];
            int label = queryLabels[q];
            int m = correct.of(label).length;
            int[] ranks = new int[m];
            int j = 0;
            // Stops at the last correct image: the rest of the ranking cannot change the metrics.
            for (int pos = 0; j < m; pos++) if (galleryLabels[ranking[pos]] == label) ranks[j++] = pos + 1;
            out.record(q, ranks);
        });
        return out.metrics();
    }

    /**
     * The 1-based ranks, ascending, of a query's correct images in the ranking of
     * {@code similarity[offset .. offset + gallery)}, without sorting the gallery: a gallery
     * image ranks ahead of a correct one exactly when its {@link Ranking#key} is smaller, so
     * counting, for each wrong image, how many correct images it precedes gives every rank in
     * one pass (O(gallery log m) instead of a sort per query).
     */
    static int[] correctRanks(
            float[] similarity, int offset, int gallery, int[] correct, int[] galleryLabels, int label) {
        int m = correct.length;
        long[] correctKeys = new long[m];
        for (int j = 0; j < m; j++) correctKeys[j] = Ranking.key(similarity[offset + correct[j]], correct[j]);
        Arrays.sort(correctKeys);
        // ahead[p] = wrong images that rank after exactly p correct images (before the others).
        int[] ahead = new int[m + 1];
        for (int g = 0; g < gallery; g++) {
            if (galleryLabels[g] == label) continue;
            long key = Ranking.key(similarity[offset + g], g);
            // Keys are distinct (they hold the index), so the search never finds key itself.
            int p;
            if (m <= 8) {
                // Identities have a handful of images: a linear count beats a binary search.
                p = 0;
                while (p < m && correctKeys[p] < key) p++;
            } else {
                p = -Arrays.binarySearch(correctKeys, key) - 1;
            }
            ahead[p]++;
        }
        int[] ranks = new int[m];
        int wrongAhead = 0;
        for (int j = 0; j < m; j++) {
            // The j-th correct image follows j correct images and every wrong image counted in ahead[0..j].
            wrongAhead += ahead[j];
            ranks[j] = j + 1 + wrongAhead;
        }
        return ranks;
    }

    private static void checkPermutation(String op, int[] ranking, int q, int gallery) {
        if (ranking == null) throw new IllegalArgumentException(op + ": ranking of query " + q + " is null");
        if (ranking.length != gallery) {
            throw new IllegalArgumentException(op + ": ranking of query " + q + " has length " + ranking.length
                    + ", expected the gallery size " + gallery);
        }
        boolean[] seen = new boolean[gallery];
        for (int pos = 0; pos < gallery; pos++) {
            int g = ranking[pos];
            if (g < 0 || g >= gallery) {
                throw new IllegalArgumentException(op + ": ranking of query " + q + " has gallery index " + g
                        + " at position " + pos + ", outside [0, " + gallery + ")");
            }
            if (seen[g]) {
                throw new IllegalArgumentException(op + ": ranking of query " + q + " has gallery index " + g
                        + " twice (again at position " + pos + "); a ranking must be a permutation");
            }
            seen[g] = true;
        }
    }
}
