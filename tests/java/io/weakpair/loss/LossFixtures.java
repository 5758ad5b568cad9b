package io.weakpair.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import java.util.SplittableRandom;

/** Inputs for the loss tests: features with identity structure, labels, conversions, comparisons. */
final class LossFixtures {
    private LossFixtures() {}

    /**
     * Labels of n samples in identities of 1 to maxGroup members, shuffled so groups are not
     * contiguous, with identity numbers that are neither dense nor ordered.
     */
    static long[] labels(long seed, int n, int maxGroup) {
        SplittableRandom rng = new SplittableRandom(seed);
        long[] y = new long[n];
        int i = 0;
        long id = 1000;
        while (i < n) {
            int size = 1 + rng.nextInt(maxGroup);
            id += 1 + rng.nextInt(7);
            for (int k = 0; k < size && i < n; k++) y[i++] = id;
        }
        for (int k = n - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            long t = y[k];
            y[k] = y[j];
            y[j] = t;
        }
        return y;
    }

    /** Features: a shared direction per identity plus noise, so positives are more similar. */
    static double[][] features(long seed, long[] labels, int d, double noise) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[labels.length][d];
        for (int i = 0; i < labels.length; i++) {
            SplittableRandom idRng = new SplittableRandom(labels[i] * 7919L);
            double scale = 0.5 + 2 * rng.nextDouble(); // unnormalised: norms differ per row
            for (int k = 0; k < d; k++) x[i][k] = scale * (gaussian(idRng) + noise * gaussian(rng));
        }
        return x;
    }

    static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    static Tensor tensor(double[][] m, DType dtype) {
        int r = m.length, c = m[0].length;
        double[] flat = new double[r * c];
        for (int i = 0; i < r; i++) System.arraycopy(m[i], 0, flat, i * c, c);
        return Tensor.fromDoubles(flat, dtype, Device.CPU, r, c);
    }

    static Tensor labelsTensor(long[] y) {
        return Tensor.ofLongs(y, y.length);
    }

    static Tensor scalar(double v, DType dtype) {
        return Tensor.full(v, dtype, Device.CPU);
    }

    static double[][] matrix(Tensor t) {
        int r = t.dim(0), c = t.dim(1);
        double[] flat = t.toDoubleArray();
        double[][] m = new double[r][c];
        for (int i = 0; i < r; i++) System.arraycopy(flat, i * c, m[i], 0, c);
        return m;
    }

    /** ||a - b|| / max(||b||, floor): the relative error of a against the reference b. */
    static double relError(double[][] a, double[][] b) {
        double d2 = 0, n2 = 0;
        for (int i = 0; i < b.length; i++)
            for (int j = 0; j < b[i].length; j++) {
                d2 += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
                n2 += b[i][j] * b[i][j];
            }
        return Math.sqrt(d2) / Math.max(Math.sqrt(n2), 1e-30);
    }

    static void assertClose(double[][] got, double[][] want, double tol, String what) {
        assertEquals(want.length, got.length, what + ": rows");
        double rel = relError(got, want);
        assertTrue(rel <= tol, what + ": relative error " + rel + " > " + tol);
    }

    static void assertClose(double got, double want, double tol, String what) {
        double rel = Math.abs(got - want) / Math.max(Math.abs(want), 1e-12);
        assertTrue(rel <= tol, what + ": got " + got + ", want " + want + " (relative error " + rel + ")");
    }
}
