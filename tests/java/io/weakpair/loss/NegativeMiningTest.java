package io.weakpair.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.backend.MiningMode;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Group-wise mining (docs/method.md section 4) against the brute force of MethodReference. */
@ExtendWith(ScopePerTest.class)
class NegativeMiningTest {

    private static double[][] randomLogits(long seed, int n, int levels) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] s = new double[n][n];
        for (double[] row : s)
            for (int j = 0; j < n; j++) row[j] = levels > 0 ? rng.nextInt(levels) * 0.5 - 1 : rng.nextDouble(-5, 5);
        return s;
    }

    private static void assertMatchesBruteForce(double[][] S, long[] labels, MiningMode mode, long seed, DType dt) {
        Tensor s = LossFixtures.tensor(S, dt);
        double[][] seen = LossFixtures.matrix(s); // the values the kernel sees (F32-rounded for F32)
        int[][] want = MethodReference.mine(seen, labels, mode == MiningMode.SAMPLE, seed);
        try (NegativeMining.MinedPairs got = NegativeMining.mine(s, LossFixtures.labelsTensor(labels), mode, seed)) {
            String w = mode + " " + dt + " labels " + Arrays.toString(labels);
            assertArrayEquals(want[0], got.hardNegText().toIntArray(), w + ": hard_neg_text");
            assertArrayEquals(want[1], got.hardNegImage().toIntArray(), w + ": hard_neg_image");
            assertArrayEquals(want[2], got.weakPosText().toIntArray(), w + ": weak_pos_text");
        }
    }

    @Test
    void randomBatchesWithSingletonsAndTies() {
        for (int trial = 0; trial < 12; trial++) {
            int n = 5 + trial * 3;
            long[] labels = LossFixtures.labels(100 + trial, n, 1 + trial % 5);
            // Odd trials use logits from a few levels only: many exact ties in S.
            double[][] S = randomLogits(200 + trial, n, trial % 2 == 1 ? 3 : 0);
            for (MiningMode mode : MiningMode.values())
                for (DType dt : new DType[] {DType.F64, DType.F32})
                    assertMatchesBruteForce(S, labels, mode, 77 + trial, dt);
        }
    }

    @Test
    void allTiedLogitsGoToTheLowerIndex() {
        long[] labels = {4, 1, 4, 2, 1, 4, 3};
        double[][] S = new double[7][7]; // every logit 0
        int[][] want = MethodReference.mine(S, labels, false, 0);
        try (NegativeMining.MinedPairs got = NegativeMining.mine(
                LossFixtures.tensor(S, DType.F32), LossFixtures.labelsTensor(labels), MiningMode.TOPK, 0)) {
            assertArrayEquals(want[0], got.hardNegText().toIntArray());
            // Group {0, 2, 5}: pool 1, 3, 4, 6 in index order; members take the first three.
            int[] text = got.hardNegText().toIntArray();
            assertEquals(1, text[0]);
            assertEquals(3, text[2]);
            assertEquals(4, text[5]);
            // Weak positive of image 0 with all confidences equal: the lower j, 2.
            assertEquals(2, got.weakPosText().toIntArray()[0]);
            assertEquals(0, got.weakPosText().toIntArray()[2]);
        }
    }

    @Test
    void oneIdentityHasNoNegativesAndSingletonsNoWeakPositive() {
        long[] one = {7, 7, 7, 7, 7};
        double[][] S = randomLogits(5, 5, 0);
        for (MiningMode mode : MiningMode.values()) {
            try (NegativeMining.MinedPairs got =
                    NegativeMining.mine(LossFixtures.tensor(S, DType.F64), LossFixtures.labelsTensor(one), mode, 3)) {
                assertArrayEquals(
                        new int[] {-1, -1, -1, -1, -1}, got.hardNegText().toIntArray());
                assertArrayEquals(
                        new int[] {-1, -1, -1, -1, -1}, got.hardNegImage().toIntArray());
                for (int i = 0; i < 5; i++) {
                    int w = got.weakPosText().toIntArray()[i];
                    assertTrue(w >= 0 && w != i, "weak positive of " + i + " is " + w);
                }
            }
            assertMatchesBruteForce(S, one, mode, 3, DType.F64);
        }
        long[] singletons = {1, 2, 3, 4};
        try (NegativeMining.MinedPairs got = NegativeMining.mine(
                LossFixtures.tensor(randomLogits(6, 4, 0), DType.F64),
                LossFixtures.labelsTensor(singletons),
                MiningMode.TOPK,
                0)) {
            assertArrayEquals(new int[] {-1, -1, -1, -1}, got.weakPosText().toIntArray());
            int[] text = got.hardNegText().toIntArray();
            for (int i = 0; i < 4; i++) assertNotEquals(i, text[i]);
        }
        // A batch of one pair: no negative, no weak positive.
        try (NegativeMining.MinedPairs got = NegativeMining.mine(
                LossFixtures.tensor(new double[][] {{2}}, DType.F32),
                LossFixtures.labelsTensor(new long[] {0}),
                MiningMode.SAMPLE,
                0)) {
            assertArrayEquals(new int[] {-1}, got.hardNegText().toIntArray());
            assertArrayEquals(new int[] {-1}, got.hardNegImage().toIntArray());
            assertArrayEquals(new int[] {-1}, got.weakPosText().toIntArray());
        }
    }

    @Test
    void nonFiniteLogitsAreRejectedNamingTheFirstPosition() {
        long[] labels = {0, 0, 1, 1, 2, 2};
        Object[][] cases = {
            {2, 3, Double.NaN, "NaN"},
            {0, 4, Double.POSITIVE_INFINITY, "Infinity"},
            {5, 1, Double.NEGATIVE_INFINITY, "-Infinity"}
        };
        for (Object[] c : cases)
            for (DType dt : new DType[] {DType.F64, DType.F32})
                for (MiningMode mode : MiningMode.values()) {
                    double[][] S = randomLogits(3, 6, 0);
                    S[(int) c[0]][(int) c[1]] = (double) c[2];
                    S[5][5] = Double.NaN; // a later bad value: the first one is named
                    Tensor s = LossFixtures.tensor(S, dt);
                    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                            IllegalArgumentException.class,
                            () -> NegativeMining.mine(s, LossFixtures.labelsTensor(labels), mode, 0));
                    String m = e.getMessage();
                    assertTrue(
                            m.startsWith("mining: ")
                                    && m.contains("at [" + c[0] + ", " + c[1] + "]")
                                    && m.contains("(" + c[3] + ")"),
                            m);
                }
    }

    /** The kernel itself (no Java check in front): NaN orders below every number, so the result is defined. */
    @Test
    void kernelOrdersNanLowest() {
        long[] labels = {0, 0, 0, 1, 2, 3}; // group {0, 1, 2}, outside pool {3, 4, 5}
        double nan = Double.NaN;
        double[][] S = new double[6][6];
        for (int r = 0; r < 3; r++) {
            S[r][3] = nan; // text 3: all NaN -> key NaN, ranked last
            S[r][4] = r == 1 ? 1 : nan; // text 4: the group maximum ignores NaN -> 1
            S[r][5] = 2; // text 5: 2
        }
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            Tensor s = LossFixtures.tensor(S, dt);
            Tensor y = LossFixtures.labelsTensor(labels);
            Tensor text = Tensor.empty(DType.I32, s.device(), 6), image = Tensor.empty(DType.I32, s.device(), 6);
            s.backend().mineHardNegatives(s, y, MiningMode.TOPK, 0, text, image);
            int[] t = text.toIntArray();
            assertEquals(5, t[0], dt + " " + Arrays.toString(t));
            assertEquals(4, t[1], dt + " " + Arrays.toString(t));
            assertEquals(3, t[2], dt + " " + Arrays.toString(t));
            // The same rule in sample mode: NaN keys stay last whatever the noise.
            s.backend().mineHardNegatives(s, y, MiningMode.SAMPLE, 7, text, image);
            assertEquals(3, text.toIntArray()[2], dt + " sample " + Arrays.toString(text.toIntArray()));
            Tensor weak = Tensor.empty(DType.I32, s.device(), 6);
            s.backend().mineWeakPositives(s, y, MiningMode.TOPK, 0, weak);
            for (int i = 0; i < 3; i++)
                assertTrue(weak.toIntArray()[i] >= 0 && weak.toIntArray()[i] < 3 && weak.toIntArray()[i] != i);
        }
    }

    @Test
    void groupGetsDistinctNegativesWrappingWhenThePoolIsSmall() {
        long[] labels = {0, 0, 0, 0, 1, 2}; // a group of 4 with an outside pool of 2
        double[][] S = randomLogits(9, 6, 0);
        try (NegativeMining.MinedPairs got = NegativeMining.mine(
                LossFixtures.tensor(S, DType.F64), LossFixtures.labelsTensor(labels), MiningMode.TOPK, 0)) {
            int[] text = got.hardNegText().toIntArray();
            assertNotEquals(text[0], text[1]);
            assertEquals(text[0], text[2]); // r mod |pool|
            assertEquals(text[1], text[3]);
        }
        assertMatchesBruteForce(S, labels, MiningMode.TOPK, 0, DType.F64);
    }

    @Test
    void sampleModeIsSeededAndDrawsBySoftmaxWithoutReplacement() {
        // Image 0 alone; texts 1..5 outside with logits x_j in row 0.
        long[] labels = {0, 1, 2, 3, 4, 5};
        double[] x = {0, 1.0, 0.0, -1.0, 2.0, 0.5};
        double[][] S = new double[6][6];
        S[0] = x.clone();
        Tensor s = LossFixtures.tensor(S, DType.F64);
        Tensor y = LossFixtures.labelsTensor(labels);
        int trials = 4000;
        int[] first = new int[6];
        for (int seed = 0; seed < trials; seed++) {
            try (NegativeMining.MinedPairs got = NegativeMining.mine(s, y, MiningMode.SAMPLE, seed)) {
                first[got.hardNegText().toIntArray()[0]]++;
            }
        }
        double z = 0;
        for (int j = 1; j < 6; j++) z += Math.exp(x[j]);
        assertEquals(0, first[0], "image 0's own text is never its negative");
        for (int j = 1; j < 6; j++) {
            double p = Math.exp(x[j]) / z, sd = Math.sqrt(trials * p * (1 - p));
            assertTrue(
                    Math.abs(first[j] - trials * p) <= 4.5 * sd,
                    "text " + j + " drawn first " + first[j] + " times, expected " + trials * p);
        }
        // Reproducible for a seed; a group of 3 gets 3 distinct draws; seeds change the draw.
        long[] grouped = {0, 0, 0, 1, 2, 3, 4, 5};
        double[][] S2 = randomLogits(12, 8, 0);
        Set<String> distinctRuns = new HashSet<>();
        for (long seed = 1; seed <= 6; seed++) {
            int[] a, b;
            try (NegativeMining.MinedPairs p = NegativeMining.mine(
                            LossFixtures.tensor(S2, DType.F64),
                            LossFixtures.labelsTensor(grouped),
                            MiningMode.SAMPLE,
                            seed);
                    NegativeMining.MinedPairs q = NegativeMining.mine(
                            LossFixtures.tensor(S2, DType.F64),
                            LossFixtures.labelsTensor(grouped),
                            MiningMode.SAMPLE,
                            seed)) {
                a = p.hardNegText().toIntArray();
                b = q.hardNegText().toIntArray();
            }
            assertArrayEquals(a, b);
            assertEquals(3, new HashSet<>(Arrays.asList(a[0], a[1], a[2])).size());
            distinctRuns.add(Arrays.toString(a));
        }
        assertFalse(distinctRuns.size() < 2, "six seeds gave one draw");
    }

    @Test
    void sampledWeakPositiveIsUniform() {
        long[] labels = {3, 3, 3, 3};
        double[][] S = randomLogits(4, 4, 0);
        int trials = 3000;
        int[] counts = new int[4];
        for (int seed = 0; seed < trials; seed++) {
            try (NegativeMining.MinedPairs got = NegativeMining.mine(
                    LossFixtures.tensor(S, DType.F64), LossFixtures.labelsTensor(labels), MiningMode.SAMPLE, seed)) {
                counts[got.weakPosText().toIntArray()[0]]++;
            }
        }
        assertEquals(0, counts[0]);
        for (int j = 1; j < 4; j++)
            assertTrue(
                    Math.abs(counts[j] - trials / 3.0) <= 4.5 * Math.sqrt(trials * (1 / 3.0) * (2 / 3.0)),
                    "weak positive " + j + " picked " + counts[j] + " times");
    }
}
