package io.weakpair.eval;

import static io.weakpair.eval.RetrievalMetricsTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The order rule: descending score, equal scores to the lower index. */
class RankingTest {
    @Test
    void ranksByDescendingScore() {
        assertArrayEquals(new int[] {1, 2, 0}, Ranking.rank(new float[] {0.1f, 0.9f, 0.5f}));
        assertArrayEquals(new int[] {4, 1, 0, 3, 2}, Ranking.rank(new float[] {-1f, 2f, -3f, -2f, 5f}));
    }

    @Test
    void equalScoresGoToTheLowerIndex() {
        assertArrayEquals(new int[] {1, 3, 0, 2}, Ranking.rank(new float[] {0.5f, 0.7f, 0.5f, 0.7f}));
        // Negative zero equals zero, as in float comparison.
        assertArrayEquals(new int[] {0, 1}, Ranking.rank(new float[] {-0.0f, 0.0f}));
        assertArrayEquals(new int[] {0, 1}, Ranking.rank(new float[] {0.0f, -0.0f}));
        assertArrayEquals(new int[] {2, 0, 1}, Ranking.rank(new float[] {-0.0f, 0.0f, 1e-30f}));
    }

    @Test
    void extremeValuesAreOrdinary() {
        float[] s = {
            Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY,
            Float.MAX_VALUE,
            -Float.MAX_VALUE,
            Float.MIN_VALUE,
            -Float.MIN_VALUE,
            0f
        };
        assertArrayEquals(new int[] {1, 2, 4, 6, 5, 3, 0}, Ranking.rank(s));
    }

    @Test
    void nanIsAnErrorNamingTheIndex() {
        assertMessage("score of gallery index 2 is NaN", () -> Ranking.rank(new float[] {1f, 2f, Float.NaN}));
        assertMessage("score of gallery index 0 is NaN", () -> Ranking.topK(new float[] {Float.NaN}, 1));
        assertMessage("rank: scores is null", () -> Ranking.rank(null));
    }

    @Test
    void topKIsThePrefixClippedToTheLength() {
        float[] s = {0.3f, 0.9f, 0.3f, 0.1f};
        assertArrayEquals(new int[] {1, 0}, Ranking.topK(s, 2));
        assertArrayEquals(new int[] {1}, Ranking.topK(s, 1));
        assertArrayEquals(new int[] {1, 0, 2, 3}, Ranking.topK(s, 4));
        assertArrayEquals(new int[] {1, 0, 2, 3}, Ranking.topK(s, 1000));
        assertArrayEquals(new int[0], Ranking.topK(new float[0], 3));
        assertMessage("topK: k must be at least 1, got 0", () -> Ranking.topK(s, 0));
    }

    @Test
    void agreesWithABoxedComparatorSortOnRandomScoresWithTies() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int n = 1 + rnd.nextInt(300);
            float[] s = new float[n];
            // Few distinct values (some negative, some zeros of either sign) so ties are common.
            for (int i = 0; i < n; i++) s[i] = (rnd.nextInt(9) - 4) * 0.25f * (rnd.nextBoolean() ? 1f : -1f);
            int[] expected = IntStream.range(0, n)
                    .boxed()
                    .sorted(descendingThenIndex(s))
                    .mapToInt(Integer::intValue)
                    .toArray();
            assertArrayEquals(expected, Ranking.rank(s), () -> Arrays.toString(s));
        }
    }

    @Test
    void topKOfLongRowsIsThePrefixOfTheRanking() {
        // Rows long enough for the heap selection (k below a quarter of the row), with ties.
        Random rnd = new Random(5);
        for (int trial = 0; trial < 100; trial++) {
            int n = 1 + rnd.nextInt(2000);
            int k = 1 + rnd.nextInt(Math.max(1, n / 3));
            float[] s = new float[n];
            boolean coarse = trial % 2 == 0;
            for (int i = 0; i < n; i++) s[i] = coarse ? rnd.nextInt(7) - 3 : (float) rnd.nextGaussian();
            int[] expected = Arrays.copyOf(Ranking.rank(s), Math.min(k, n));
            assertArrayEquals(expected, Ranking.topK(s, k), "n " + n + ", k " + k);
        }
    }

    /** The rule as a plain comparator; float comparison (not Float.compare) so -0.0 equals 0.0. */
    static Comparator<Integer> descendingThenIndex(float[] s) {
        return (a, b) -> s[a] > s[b] ? -1 : s[a] < s[b] ? 1 : Integer.compare(a, b);
    }
}
