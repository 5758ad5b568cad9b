package io.weakpair.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The linear probe: it reads what is linearly there, and only that. */
class SoftmaxProbeTest {
    @TempDir
    Path tmp;

    /** Three classes whose means differ along two of 16 features, with correlated noise elsewhere. */
    private static float[][] points(int n, int[] y, long seed, boolean informative) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] x = new float[n][16];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
            double shared = r.nextGaussian();
            for (int j = 0; j < 16; j++) x[i][j] = (float) (0.8 * shared + 0.6 * r.nextGaussian() + 40);
            if (informative) {
                x[i][3] += (float) (2.5 * (y[i] - 1));
                x[i][7] += (float) (y[i] == 2 ? 2.5 : 0);
            }
        }
        return x;
    }

    @Test
    void readsALinearlyPresentClassAndNothingFromNoise() {
        int[] yTrain = new int[900], yTest = new int[600];
        SoftmaxProbe probe = SoftmaxProbe.fit(points(900, yTrain, 1, true), yTrain, 3, 1e-3, 300);
        double accuracy = probe.accuracy(points(600, yTest, 2, true), yTest);
        assertTrue(accuracy > 0.85, "separable classes: accuracy " + accuracy);

        SoftmaxProbe blind = SoftmaxProbe.fit(points(900, yTrain, 3, false), yTrain, 3, 1e-3, 300);
        double chance = blind.accuracy(points(600, yTest, 4, false), yTest);
        assertTrue(chance < 0.42, "features without the class: accuracy " + chance + " should stay near 1/3");
    }

    @Test
    void badInputIsAnErrorNamingIt() {
        float[][] x = {{1, 2}, {3, 4}};
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SoftmaxProbe.fit(x, new int[] {0}, 2, 0, 1))
                .getMessage()
                .contains("2 rows but 1 labels"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SoftmaxProbe.fit(x, new int[] {0, 2}, 2, 0, 1))
                .getMessage()
                .contains("label 2 outside [0, 2)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AttributeProbe.groundTruth(tmp))
                .getMessage()
                .contains("ground truth"));
    }

    @Test
    void oneClassIsAlwaysRight() {
        float[][] x = {{1, 2}, {3, 4}, {5, 7}};
        assertEquals(1.0, SoftmaxProbe.fit(x, new int[3], 1, 0, 10).accuracy(x, new int[3]));
    }
}
