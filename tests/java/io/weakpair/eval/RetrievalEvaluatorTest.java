package io.weakpair.eval;

import static io.weakpair.eval.RetrievalMetricsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Metrics against hand-computed rankings. Each case is built as a ranking, evaluated directly
 * (evaluateRankings) and through scores that produce it (evaluate), which must agree.
 */
class RetrievalEvaluatorTest {
    private static final double EPS = 1e-12;

    /** Scores whose ranking is {@code rankings[q]}: the image at position p scores G - p. */
    static float[] scoresOf(int[][] rankings) {
        int g = rankings[0].length;
        float[] s = new float[rankings.length * g];
        for (int q = 0; q < rankings.length; q++) {
            for (int p = 0; p < g; p++) s[q * g + rankings[q][p]] = g - p;
        }
        return s;
    }

    /** Both entry points on the same rankings; asserts they agree and returns the metrics. */
    static RetrievalMetrics both(int[][] rankings, int[] queryLabels, int[] galleryLabels) {
        RetrievalMetrics direct = RetrievalEvaluator.evaluateRankings(rankings, queryLabels, galleryLabels);
        RetrievalMetrics viaScores = RetrievalEvaluator.evaluate(
                scoresOf(rankings), rankings.length, galleryLabels.length, queryLabels, galleryLabels);
        assertEquals(direct, viaScores);
        return direct;
    }

    static void assertMetrics(
            RetrievalMetrics m, double r1, double r5, double r10, double mAP, double mINP, int queries) {
        assertEquals(r1, m.r1(), EPS, "R@1");
        assertEquals(r5, m.r5(), EPS, "R@5");
        assertEquals(r10, m.r10(), EPS, "R@10");
        assertEquals(mAP, m.mAP(), EPS, "mAP");
        assertEquals(mINP, m.mINP(), EPS, "mINP");
        assertEquals(queries, m.queries(), "queries");
    }

    @Test
    void perfectRankingIsAllOne() {
        int[] gallery = {0, 0, 1, 1, 2, 2};
        int[][] rankings = {{1, 0, 2, 3, 4, 5}, {3, 2, 5, 4, 1, 0}, {4, 5, 0, 1, 2, 3}};
        RetrievalMetrics m = both(rankings, new int[] {0, 1, 2}, gallery);
        assertMetrics(m, 1, 1, 1, 1, 1, 3);
        assertEquals("perfect       100.00  100.00  100.00  100.00  100.00        3", m.row("perfect"));
    }

    @Test
    void oneCorrectImageAtRankThree() {
        // Correct: image 0 (label 1), placed third.
        int[] gallery = {1, 0, 0, 0, 0, 0};
        RetrievalMetrics m = both(new int[][] {{3, 4, 0, 1, 2, 5}}, new int[] {1}, gallery);
        assertMetrics(m, 0, 1, 1, 1.0 / 3, 1.0 / 3, 1);
    }

    @Test
    void twoCorrectImagesAtRanksOneAndFour() {
        // Correct: images 2 and 5 (label 7) at ranks 1 and 4: AP = (1/1 + 2/4) / 2, INP = 2/4.
        int[] gallery = {3, 3, 7, 3, 3, 7};
        RetrievalMetrics m = both(new int[][] {{2, 0, 1, 5, 3, 4}}, new int[] {7}, gallery);
        assertMetrics(m, 1, 1, 1, (1.0 + 2.0 / 4) / 2, 2.0 / 4, 1);
    }

    @Test
    void correctImagesAtTheBottomOfTwelve() {
        // Three correct images (label 1: 0, 5, 11) at ranks 10, 11, 12: still in the top 10.
        int[] gallery = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
        int[] ranking = {1, 2, 3, 4, 6, 7, 8, 9, 10, 5, 0, 11};
        RetrievalMetrics m = both(new int[][] {ranking}, new int[] {1}, gallery);
        assertMetrics(m, 0, 0, 1, (1.0 / 10 + 2.0 / 11 + 3.0 / 12) / 3, 3.0 / 12, 1);

        // Two correct images (label 2) at ranks 11 and 12: just outside the top 10.
        int[] gallery2 = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2};
        RetrievalMetrics m2 = both(new int[][] {{9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 10}}, new int[] {2}, gallery2);
        assertMetrics(m2, 0, 0, 0, (1.0 / 11 + 2.0 / 12) / 2, 2.0 / 12, 1);
    }

    @Test
    void equalScoresRankTheLowerGalleryIndexFirst() {
        float[] scores = {0.5f, 0.5f, 0.2f};
        // The correct image is index 1, tied with index 0: it comes second.
        assertMetrics(
                RetrievalEvaluator.evaluate(scores, 1, 3, new int[] {4}, new int[] {0, 4, 0}), 0, 1, 1, 0.5, 0.5, 1);
        // The correct image is index 0, tied with index 1: it comes first.
        assertMetrics(RetrievalEvaluator.evaluate(scores, 1, 3, new int[] {4}, new int[] {4, 0, 0}), 1, 1, 1, 1, 1, 1);
        // All tied: the order is the gallery order, correct images at ranks 2 and 3.
        assertMetrics(
                RetrievalEvaluator.evaluate(new float[] {1, 1, 1}, 1, 3, new int[] {4}, new int[] {0, 4, 4}),
                0,
                1,
                1,
                (1.0 / 2 + 2.0 / 3) / 2,
                2.0 / 3,
                1);
    }

    @Test
    void severalQueriesAreAveraged() {
        // Gallery labels: image 0 is identity 0; images 1, 2 identity 1; the rest identity 2.
        int[] gallery = {0, 1, 1, 2, 2, 2};
        int[][] rankings = {
            {0, 1, 2, 3, 4, 5}, // query 0 (identity 0): rank 1 -> AP 1, INP 1
            {3, 4, 0, 1, 2, 5}, // query 1 (identity 0): rank 3 -> AP 1/3, INP 1/3
            {1, 0, 3, 2, 4, 5}, // query 2 (identity 1): ranks 1, 4 -> AP 3/4, INP 1/2
            {0, 1, 2, 5, 3, 4}, // query 3 (identity 2): ranks 4, 5, 6 -> AP (1/4 + 2/5 + 3/6)/3, INP 1/2
        };
        double ap3 = (1.0 / 4 + 2.0 / 5 + 3.0 / 6) / 3;
        RetrievalMetrics m = both(rankings, new int[] {0, 0, 1, 2}, gallery);
        assertMetrics(m, 2.0 / 4, 4.0 / 4, 4.0 / 4, (1 + 1.0 / 3 + 0.75 + ap3) / 4, (1 + 1.0 / 3 + 0.5 + 0.5) / 4, 4);
    }

    @Test
    void scoreMatrixErrorsNameWhatIsWrong() {
        int[] one = {0};
        int[] two = {0, 0};
        assertMessage("evaluate: similarity is null", () -> RetrievalEvaluator.evaluate(null, 1, 2, one, two));
        assertMessage(
                "evaluate: queries must be at least 1, got 0",
                () -> RetrievalEvaluator.evaluate(new float[0], 0, 2, new int[0], two));
        assertMessage(
                "evaluate: gallery must be at least 1, got 0",
                () -> RetrievalEvaluator.evaluate(new float[0], 1, 0, one, new int[0]));
        assertMessage(
                "similarity has length 5, expected queries x gallery = 1 x 2 = 2",
                () -> RetrievalEvaluator.evaluate(new float[5], 1, 2, one, two));
        assertMessage(
                "queryLabels has length 2, expected 1",
                () -> RetrievalEvaluator.evaluate(new float[2], 1, 2, two, two));
        assertMessage(
                "galleryLabels has length 1, expected 2",
                () -> RetrievalEvaluator.evaluate(new float[2], 1, 2, one, one));
        assertMessage("queryLabels is null", () -> RetrievalEvaluator.evaluate(new float[2], 1, 2, null, two));
        float[] nan = new float[2 * 3];
        nan[1 * 3 + 2] = Float.NaN;
        assertMessage(
                "evaluate: similarity score of query 1, gallery index 2 is NaN",
                () -> RetrievalEvaluator.evaluate(nan, 2, 3, two, new int[] {0, 0, 0}));
        assertMessage(
                "evaluate: query 1 (label 7) has no correct image in the gallery",
                () -> RetrievalEvaluator.evaluate(new float[4], 2, 2, new int[] {0, 7}, two));
    }

    @Test
    void rankingErrorsNameWhatIsWrong() {
        int[] gallery = {0, 1, 2};
        int[] labels = {0, 1};
        assertMessage(
                "evaluateRankings: rankings is null", () -> RetrievalEvaluator.evaluateRankings(null, labels, gallery));
        assertMessage(
                "evaluateRankings: no rankings",
                () -> RetrievalEvaluator.evaluateRankings(new int[0][], new int[0], gallery));
        assertMessage(
                "queryLabels has length 1, expected 2",
                () -> RetrievalEvaluator.evaluateRankings(new int[][] {{0, 1, 2}, {0, 1, 2}}, new int[] {0}, gallery));
        assertMessage(
                "ranking of query 1 is null",
                () -> RetrievalEvaluator.evaluateRankings(new int[][] {{0, 1, 2}, null}, labels, gallery));
        assertMessage(
                "ranking of query 1 has length 2, expected the gallery size 3",
                () -> RetrievalEvaluator.evaluateRankings(new int[][] {{0, 1, 2}, {0, 1}}, labels, gallery));
        assertMessage(
                "ranking of query 0 has gallery index 3 at position 1, outside [0, 3)",
                () -> RetrievalEvaluator.evaluateRankings(new int[][] {{0, 3, 2}, {0, 1, 2}}, labels, gallery));
        assertMessage(
                "ranking of query 1 has gallery index 2 twice (again at position 2)",
                () -> RetrievalEvaluator.evaluateRankings(new int[][] {{0, 1, 2}, {2, 1, 2}}, labels, gallery));
        assertMessage(
                "evaluateRankings: query 0 (label 9) has no correct image",
                () -> RetrievalEvaluator.evaluateRankings(
                        new int[][] {{0, 1, 2}, {0, 1, 2}}, new int[] {9, 0}, gallery));
    }
}
