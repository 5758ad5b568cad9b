package io.weakpair.eval;

import static io.weakpair.eval.RetrievalMetricsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Re-ranking of the top k: which images move, in what order, and the standardised combination. */
class RerankerTest {
    // One query: the similarity order is 0, 2, 3, 4, 1.
    private static final float[] SIM = {0.9f, 0.1f, 0.8f, 0.7f, 0.3f};

    @Test
    void candidatesAreTheTopKOfTheSimilarityOrder() {
        float[] two = {0.9f, 0.1f, 0.8f, 0.7f, 0.3f, /* query 1 */ 0f, 0f, 1f, 0f, 0.5f};
        assertArrayEquals(new int[][] {{0, 2, 3}, {2, 4, 0}}, Reranker.candidates(two, 2, 5, 3));
        // k larger than the gallery: the whole similarity order.
        assertArrayEquals(new int[][] {{0, 2, 3, 4, 1}}, Reranker.candidates(SIM, 1, 5, 128));
    }

    @Test
    void byMatchReordersOnlyTheTopK() {
        // Candidates 0, 2, 3 with match scores 0.2, 0.9, 0.5 -> 2, 3, 0; then 4, 1 as before.
        assertArrayEquals(
                new int[] {2, 3, 0, 4, 1}, Reranker.byMatch(SIM, 1, 5, 3, new float[][] {{0.2f, 0.9f, 0.5f}})[0]);
    }

    @Test
    void theTailKeepsTheSimilarityOrderOnRandomData() {
        Random rnd = new Random(11);
        int q = 7, g = 40, k = 9;
        float[] sim = randomScores(rnd, q * g);
        float[][] match = new float[q][k];
        for (float[] row : match) for (int i = 0; i < k; i++) row[i] = rnd.nextFloat();
        int[][] byMatch = Reranker.byMatch(sim, q, g, k, match);
        int[][] byCombination = Reranker.byCombination(sim, q, g, k, match);
        for (int i = 0; i < q; i++) {
            int[] similarityOrder = Ranking.rank(Arrays.copyOfRange(sim, i * g, (i + 1) * g));
            for (int[] reranked : new int[][] {byMatch[i], byCombination[i]}) {
                assertArrayEquals(
                        Arrays.copyOfRange(similarityOrder, k, g),
                        Arrays.copyOfRange(reranked, k, g),
                        "tail of query " + i);
                int[] top = Arrays.copyOf(reranked, k);
                int[] topBefore = Arrays.copyOf(similarityOrder, k);
                Arrays.sort(top);
                Arrays.sort(topBefore);
                assertArrayEquals(topBefore, top, "the same images in the top k of query " + i);
            }
            // byMatch's top k is in descending match order.
            for (int p = 1; p < k; p++) {
                float before = match[i][indexOf(similarityOrder, byMatch[i][p - 1])];
                float after = match[i][indexOf(similarityOrder, byMatch[i][p])];
                assertTrue(before >= after, "match order at position " + p + " of query " + i);
            }
        }
    }

    @Test
    void byMatchOverTheWholeGalleryIsTheMatchRanking() {
        Random rnd = new Random(3);
        int q = 4, g = 25;
        float[] sim = randomScores(rnd, q * g);
        float[][] matchByImage = new float[q][];
        for (int i = 0; i < q; i++) matchByImage[i] = randomScores(rnd, g);
        int[][] candidates = Reranker.candidates(sim, q, g, g);
        float[][] match = new float[q][g];
        for (int i = 0; i < q; i++) for (int c = 0; c < g; c++) match[i][c] = matchByImage[i][candidates[i][c]];
        int[][] reranked = Reranker.byMatch(sim, q, g, g, match);
        for (int i = 0; i < q; i++) assertArrayEquals(Ranking.rank(matchByImage[i]), reranked[i], "query " + i);
    }

    @Test
    void equalMatchScoresKeepTheSimilarityOrder() {
        assertArrayEquals(
                new int[] {0, 2, 3, 4, 1}, Reranker.byMatch(SIM, 1, 5, 4, new float[][] {{0.5f, 0.5f, 0.5f, 0.5f}})[0]);
        // Ties among some: candidates 0, 2, 3 score 1, 2, 2 -> 2, 3 (similarity order), then 0.
        assertArrayEquals(new int[] {2, 3, 0, 4, 1}, Reranker.byMatch(SIM, 1, 5, 3, new float[][] {{1f, 2f, 2f}})[0]);
    }

    @Test
    void kLargerThanTheGalleryUsesTheWholeGallery() {
        float[][] match = {{0.1f, 0.2f, 0.3f, 0.4f, 0.5f}}; // candidates 0, 2, 3, 4, 1
        assertArrayEquals(new int[] {1, 4, 3, 2, 0}, Reranker.byMatch(SIM, 1, 5, 128, match)[0]);
        assertMessage(
                "byMatch: matchScores of query 0 has length 3, expected min(topK, gallery) = 5",
                () -> Reranker.byMatch(SIM, 1, 5, 128, new float[][] {{1f, 2f, 3f}}));
    }

    @Test
    void standardiseByHand() {
        // Mean 5, population standard deviation 2.
        assertArrayEquals(
                new double[] {-1.5, -0.5, -0.5, -0.5, 0, 0, 1, 2},
                Reranker.standardise(new double[] {2, 4, 4, 4, 5, 5, 7, 9}),
                1e-15);
        double r = Math.sqrt(1.5); // (x - 2) / sqrt(2/3) for 1, 2, 3
        assertArrayEquals(new double[] {-r, 0, r}, Reranker.standardise(new double[] {1, 2, 3}), 1e-15);
        // Equal values: z = 0 exactly, although their rounded mean (0.30000000000000004 / 3) is not 0.1.
        assertArrayEquals(new double[] {0, 0, 0}, Reranker.standardise(new double[] {0.1, 0.1, 0.1}), 0.0);
        assertArrayEquals(new double[] {0, 0, 0, 0}, Reranker.standardise(new double[] {0.7f, 0.7f, 0.7f, 0.7f}), 0.0);
        assertArrayEquals(new double[] {0}, Reranker.standardise(new double[] {42}), 0.0);
    }

    @Test
    void combinationByHand() {
        // Candidates (similarity order) 2, 3, 0 with similarity s = 0.9, 0.8, 0.4 and match l = 1, 2, 3,
        // a spread where the standardisation decides:
        //   z(s): mean 0.7, deviations 0.2, 0.1, -0.3, std sqrt(0.14/3) = 0.21602 -> 0.9258, 0.4629, -1.3887
        //   z(l): mean 2, std sqrt(2/3) -> -1.2247, 0, 1.2247
        //   sum: -0.2989, 0.4629, -0.1640 -> candidates in order 1, 2, 0.
        // Similarity alone gives 0, 1, 2; match alone, the raw sum s + l (1.9, 2.8, 3.4) and the
        // centred sum without dividing by std (-0.8, 0.1, 0.7) all give 2, 1, 0.
        float[] sim = {0.4f, 0.05f, 0.9f, 0.8f, 0.1f}; // similarity order 2, 3, 0, 4, 1
        float[][] match = {{1f, 2f, 3f}};
        assertArrayEquals(new int[] {3, 0, 2, 4, 1}, Reranker.byCombination(sim, 1, 5, 3, match)[0]);
        assertArrayEquals(new int[] {0, 3, 2, 4, 1}, Reranker.byMatch(sim, 1, 5, 3, match)[0]);
    }

    @Test
    void aZeroStandardDeviationContributesNothing() {
        // Equal similarities in the top 3 (order 0, 1, 2 by index): the match score alone decides.
        float[] flat = {0.5f, 0.5f, 0.5f, 0.1f};
        assertArrayEquals(
                new int[] {1, 2, 0, 3}, Reranker.byCombination(flat, 1, 4, 3, new float[][] {{0.2f, 0.9f, 0.4f}})[0]);
        // Equal match scores: the similarity order stays.
        assertArrayEquals(
                new int[] {0, 2, 3, 4, 1}, Reranker.byCombination(SIM, 1, 5, 3, new float[][] {{7f, 7f, 7f}})[0]);
        // Both equal: nothing moves (ties keep the similarity order).
        assertArrayEquals(
                new int[] {0, 1, 2, 3}, Reranker.byCombination(flat, 1, 4, 3, new float[][] {{7f, 7f, 7f}})[0]);
        // k = 1: a single candidate has std 0 in both.
        assertArrayEquals(new int[] {0, 2, 3, 4, 1}, Reranker.byCombination(SIM, 1, 5, 1, new float[][] {{-3f}})[0]);
    }

    @Test
    void errorsNameWhatIsWrong() {
        float[][] ok = {{1f, 2f, 3f}};
        assertMessage(
                "byMatch: topK must be at least 1, got 0", () -> Reranker.byMatch(SIM, 1, 5, 0, new float[][] {{}}));
        assertMessage("candidates: topK must be at least 1, got -2", () -> Reranker.candidates(SIM, 1, 5, -2));
        assertMessage(
                "byCombination: similarity has length 5, expected queries x gallery = 1 x 4 = 4",
                () -> Reranker.byCombination(SIM, 1, 4, 3, ok));
        assertMessage(
                "byMatch: matchScores has 2 rows, expected 1",
                () -> Reranker.byMatch(SIM, 1, 5, 3, new float[][] {{1, 2, 3}, {1, 2, 3}}));
        assertMessage("byMatch: matchScores is null", () -> Reranker.byMatch(SIM, 1, 5, 3, null));
        assertMessage(
                "byMatch: matchScores of query 0 is null", () -> Reranker.byMatch(SIM, 1, 5, 3, new float[][] {null}));
        float[] two = new float[10];
        assertMessage(
                "byMatch: match score of query 1, candidate 2 is NaN",
                () -> Reranker.byMatch(two, 2, 5, 3, new float[][] {{1, 2, 3}, {1, 2, Float.NaN}}));
        assertMessage(
                "byCombination: match score of query 0, candidate 1 is Infinity",
                () -> Reranker.byCombination(SIM, 1, 5, 3, new float[][] {{1, Float.POSITIVE_INFINITY, 3}}));
        float[] nan = SIM.clone();
        nan[3] = Float.NaN;
        assertMessage(
                "candidates: similarity score of query 0, gallery index 3 is NaN",
                () -> Reranker.candidates(nan, 1, 5, 2));
        assertMessage(
                "byMatch: similarity score of query 0, gallery index 3 is NaN",
                () -> Reranker.byMatch(nan, 1, 5, 3, ok));
        float[] inf = SIM.clone();
        inf[4] = Float.NEGATIVE_INFINITY;
        assertMessage(
                "byCombination: similarity of query 0, gallery index 4 is -Infinity",
                () -> Reranker.byCombination(inf, 1, 5, 3, ok));
        // byMatch only ranks, so infinite scores are ordinary there.
        assertArrayEquals(new int[] {0, 2, 3, 1, 4}, Reranker.byMatch(inf, 1, 5, 3, new float[][] {{3, 2, 1}})[0]);
    }

    static float[] randomScores(Random rnd, int n) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) s[i] = (float) rnd.nextGaussian();
        return s;
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        throw new AssertionError(v + " not in " + Arrays.toString(a));
    }
}
