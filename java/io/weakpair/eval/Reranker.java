package io.weakpair.eval;

import it.unimi.dsi.fastutil.ints.IntArrays;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * RaSa-style re-ranking: the top {@code k} of each query's similarity ranking (its
 * candidates) are reordered by a second score, higher first; the rest of the gallery keeps
 * its similarity order below them. Equal second scores keep the candidates' similarity order
 * (so re-ranking by a constant changes nothing). The caller scores the
 * {@link #candidates candidates} (e.g. with the ITM head) and passes those scores back in
 * candidate order.
 */
public final class Reranker {
    private Reranker() {}

    /** The candidates (gallery indices, similarity order) whose match scores the caller must compute: [Q][min(topK, G)]. */
    public static int[][] candidates(float[] similarity, int queries, int gallery, int topK) {
        String op = "candidates";
        Inputs.similarity(op, similarity, queries, gallery, false);
        Inputs.topK(op, topK);
        int k = Math.min(topK, gallery);
        int[][] out = new int[queries][];
        IntStream.range(0, queries)
                .parallel()
                .forEach(q -> out[q] = Ranking.topRow(similarity, q * gallery, gallery, k, q));
        return out;
    }

    /**
     * For each query, the full ranking where the first topK of the similarity order are
     * reordered by matchScores[q][i] (score of the i-th candidate in that top-k order)
     * descending.
     *
     * @param matchScores [queries][min(topK, gallery)], in {@link #candidates} order; no NaN
     */
    public static int[][] byMatch(float[] similarity, int queries, int gallery, int topK, float[][] matchScores) {
        String op = "byMatch";
        Inputs.similarity(op, similarity, queries, gallery, false);
        Inputs.topK(op, topK);
        int k = Math.min(topK, gallery);
        Inputs.matchScores(op, matchScores, queries, k, false);
        int[][] out = new int[queries][];
        IntStream.range(0, queries).parallel().forEach(q -> {
            int[] order = Ranking.rankRow(similarity, q * gallery, gallery, q);
            double[] score = new double[k];
            for (int i = 0; i < k; i++) score[i] = matchScores[q][i];
            reorderTop(order, score);
            out[q] = order;
        });
        return out;
    }

    /**
     * The same with the standardised sum of similarity and match score: candidate {@code i}
     * scores {@code z(similarity)_i + z(match)_i}, each z taken over the query's candidates
     * ({@link #standardise}). Both scores must be finite (a standard deviation of infinite
     * values is undefined), so the whole similarity matrix is checked for that.
     */
    public static int[][] byCombination(float[] similarity, int queries, int gallery, int topK, float[][] matchScores) {
        String op = "byCombination";
        Inputs.similarity(op, similarity, queries, gallery, true);
        Inputs.topK(op, topK);
        int k = Math.min(topK, gallery);
        Inputs.matchScores(op, matchScores, queries, k, true);
        int[][] out = new int[queries][];
        IntStream.range(0, queries).parallel().forEach(q -> {
            int offset = q * gallery;
            int[] order = Ranking.rankRow(similarity, offset, gallery, q);
            double[] sim = new double[k];
            double[] match = new double[k];
            for (int i = 0; i < k; i++) {
                sim[i] = similarity[offset + order[i]];
                match[i] = matchScores[q][i];
            }
            double[] zs = standardise(sim);
            double[] zm = standardise(match);
            double[] score = new double[k];
            for (int i = 0; i < k; i++) score[i] = zs[i] + zm[i];
            reorderTop(order, score);
            out[q] = order;
        });
        return out;
    }

    /**
     * {@code (x - mean) / std} with the population standard deviation; all zeros when the
     * standard deviation is zero (all values equal, or a single value), so that score then
     * adds nothing to the combination. Values must be finite.
     */
    static double[] standardise(double[] x) {
        int n = x.length;
        double[] z = new double[n];
        // Zero deviation is decided on the values, not on the computed std: the rounded mean
        // of equal values can differ from them (0.1 three times), which would leave a tiny
        // std and turn rounding noise into z-scores of +-1.
        boolean allEqual = true;
        for (int i = 1; i < n && allEqual; i++) allEqual = x[i] == x[0];
        if (allEqual) return z;
        double mean = 0.0;
        for (double v : x) mean += v;
        mean /= n;
        double var = 0.0;
        for (double v : x) var += (v - mean) * (v - mean);
        double std = Math.sqrt(var / n);
        for (int i = 0; i < n; i++) z[i] = (x[i] - mean) / std;
        return z;
    }

    /**
     * Reorders {@code order[0 .. score.length)} by {@code score} descending, where
     * {@code score[i]} belongs to {@code order[i]}; equal scores keep their current relative
     * order. The tail of {@code order} is untouched.
     */
    static void reorderTop(int[] order, double[] score) {
        int k = score.length;
        int[] position = new int[k];
        for (int i = 0; i < k; i++) position[i] = i;
        // Primitive comparisons (not Double.compare) so -0.0 equals 0.0; scores are never NaN.
        IntArrays.quickSort(
                position, (a, b) -> score[a] > score[b] ? -1 : score[a] < score[b] ? 1 : Integer.compare(a, b));
        int[] top = Arrays.copyOf(order, k);
        for (int i = 0; i < k; i++) order[i] = top[position[i]];
    }
}
