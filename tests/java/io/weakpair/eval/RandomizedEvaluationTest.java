package io.weakpair.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The evaluator and the re-ranker against brute-force computations on random data that share
 * none of their code: boxed lists sorted by a Comparator, metrics by walking the ranking.
 */
class RandomizedEvaluationTest {
    @Test
    void evaluateMatchesBruteForce() {
        Random rnd = new Random(2024);
        for (int trial = 0; trial < 40; trial++) {
            int queries = 1 + rnd.nextInt(60);
            int gallery = 1 + rnd.nextInt(150);
            int identities = 1 + rnd.nextInt(Math.max(1, gallery / 2));
            int[] galleryLabels = new int[gallery];
            for (int g = 0; g < gallery; g++)
                galleryLabels[g] = rnd.nextInt(identities) * 3 - 5; // any ints, negative too
            int[] queryLabels = new int[queries];
            for (int q = 0; q < queries; q++) queryLabels[q] = galleryLabels[rnd.nextInt(gallery)];
            float[] sim = new float[queries * gallery];
            // Half the trials on a coarse grid, so ties are frequent and the tie rule matters.
            boolean coarse = trial % 2 == 0;
            for (int i = 0; i < sim.length; i++) sim[i] = coarse ? rnd.nextInt(5) / 4f : (float) rnd.nextGaussian();

            double[] expected = bruteForce(sim, queries, gallery, queryLabels, galleryLabels);
            RetrievalMetrics m = RetrievalEvaluator.evaluate(sim, queries, gallery, queryLabels, galleryLabels);
            String where = "trial " + trial;
            assertEquals(expected[0], m.r1(), 1e-12, where);
            assertEquals(expected[1], m.r5(), 1e-12, where);
            assertEquals(expected[2], m.r10(), 1e-12, where);
            assertEquals(expected[3], m.mAP(), 1e-12, where);
            assertEquals(expected[4], m.mINP(), 1e-12, where);

            int[][] rankings = new int[queries][];
            for (int q = 0; q < queries; q++) rankings[q] = bruteRanking(sim, q, gallery);
            assertEquals(m, RetrievalEvaluator.evaluateRankings(rankings, queryLabels, galleryLabels), where);
        }
    }

    @Test
    void rerankingMatchesBruteForce() {
        Random rnd = new Random(99);
        for (int trial = 0; trial < 30; trial++) {
            int queries = 1 + rnd.nextInt(20);
            int gallery = 1 + rnd.nextInt(60);
            int topK = 1 + rnd.nextInt(70); // sometimes beyond the gallery
            int k = Math.min(topK, gallery);
            float[] sim = new float[queries * gallery];
            for (int i = 0; i < sim.length; i++) sim[i] = rnd.nextInt(6) / 5f;
            float[][] match = new float[queries][k];
            for (float[] row : match)
                for (int i = 0; i < k; i++) row[i] = trial % 3 == 0 ? rnd.nextInt(3) : (float) rnd.nextGaussian();

            int[][] byMatch = Reranker.byMatch(sim, queries, gallery, topK, match);
            int[][] byCombination = Reranker.byCombination(sim, queries, gallery, topK, match);
            int[][] candidates = Reranker.candidates(sim, queries, gallery, topK);
            for (int q = 0; q < queries; q++) {
                int[] full = bruteRanking(sim, q, gallery);
                assertArrayEquals(Arrays.copyOf(full, k), candidates[q]);
                double[] m = new double[k];
                double[] s = new double[k];
                for (int i = 0; i < k; i++) {
                    m[i] = match[q][i];
                    s[i] = sim[q * gallery + full[i]];
                }
                double[] zs = zScores(s);
                double[] zm = zScores(m);
                double[] combined = new double[k];
                for (int i = 0; i < k; i++) combined[i] = zs[i] + zm[i];
                assertArrayEquals(bruteRerank(full, m), byMatch[q], "byMatch, trial " + trial + ", query " + q);
                assertArrayEquals(
                        bruteRerank(full, combined),
                        byCombination[q],
                        "byCombination, trial " + trial + ", query " + q);
            }
        }
    }

    /** R@1, R@5, R@10, mAP, mINP by sorting each query's gallery with a Comparator and walking it. */
    private static double[] bruteForce(float[] sim, int queries, int gallery, int[] queryLabels, int[] galleryLabels) {
        double[] sums = new double[5];
        for (int q = 0; q < queries; q++) {
            int[] order = bruteRanking(sim, q, gallery);
            int total = 0;
            for (int label : galleryLabels) if (label == queryLabels[q]) total++;
            int found = 0;
            int first = 0;
            int last = 0;
            double precisionSum = 0;
            for (int pos = 1; pos <= gallery; pos++) {
                if (galleryLabels[order[pos - 1]] != queryLabels[q]) continue;
                found++;
                if (first == 0) first = pos;
                last = pos;
                precisionSum += found / (double) pos;
            }
            if (first <= 1) sums[0]++;
            if (first <= 5) sums[1]++;
            if (first <= 10) sums[2]++;
            sums[3] += precisionSum / total;
            sums[4] += total / (double) last;
        }
        for (int i = 0; i < 5; i++) sums[i] /= queries;
        return sums;
    }

    private static int[] bruteRanking(float[] sim, int q, int gallery) {
        List<Integer> order = new ArrayList<>();
        for (int g = 0; g < gallery; g++) order.add(g);
        order.sort(Comparator.<Integer>comparingDouble(g -> sim[q * gallery + g])
                .reversed()
                .thenComparing(Comparator.naturalOrder()));
        return order.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The top score.length of full, by score descending, stable; the rest unchanged. */
    private static int[] bruteRerank(int[] full, double[] score) {
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < score.length; i++) positions.add(i);
        positions.sort(Comparator.<Integer>comparingDouble(i -> score[i]).reversed()); // List.sort is stable
        int[] out = full.clone();
        for (int i = 0; i < score.length; i++) out[i] = full[positions.get(i)];
        return out;
    }

    /**
     * z-scores with the same arithmetic as the re-ranker, so that mathematically equal sums
     * (ties, frequent on this coarse data) stay bitwise equal; the standardisation itself is
     * checked by hand in RerankerTest.
     */
    private static double[] zScores(double[] x) {
        double mean = 0;
        for (double v : x) mean += v;
        mean /= x.length;
        double var = 0;
        for (double v : x) var += (v - mean) * (v - mean);
        double std = Math.sqrt(var / x.length);
        boolean constant = Arrays.stream(x).distinct().count() == 1;
        double[] z = new double[x.length];
        for (int i = 0; i < x.length; i++) z[i] = constant ? 0 : (x[i] - mean) / std;
        return z;
    }
}
