package io.weakpair.eval;

/**
 * A linear probe: multinomial logistic regression on fixed features, fitted by full-batch
 * gradient descent with Nesterov momentum and an L2 penalty, in double precision. Features
 * are standardised with the training set's mean and deviation first, so one step size fits
 * every model. Small by design (a few thousand rows of 128 to 768 numbers): it answers "is
 * this attribute linearly readable from the features", not "how well can it be predicted".
 * (No permissively licensed, maintained Java logistic regression was at hand; Smile is GPL.)
 */
public final class SoftmaxProbe {
    private final double[] mean, scale;
    private final double[][] weights; // [classes][dim + 1], the last column the bias
    private final int classes;

    private SoftmaxProbe(double[] mean, double[] scale, double[][] weights) {
        this.mean = mean;
        this.scale = scale;
        this.weights = weights;
        this.classes = weights.length;
    }

    /**
     * Fits {@code x} (rows of equal width) to {@code y} (class indices in [0, classes)).
     *
     * @param l2         penalty on the weights (not the biases), per row
     * @param iterations full-batch steps
     */
    public static SoftmaxProbe fit(float[][] x, int[] y, int classes, double l2, int iterations) {
        if (x.length == 0 || x.length != y.length)
            throw new IllegalArgumentException("probe: " + x.length + " rows but " + y.length + " labels");
        if (classes < 1) throw new IllegalArgumentException("probe: classes must be at least 1, got " + classes);
        int n = x.length, d = x[0].length;
        double[] mean = new double[d], scale = new double[d];
        for (float[] row : x) {
            if (row.length != d)
                throw new IllegalArgumentException("probe: rows of unequal width " + d + " and " + row.length);
            for (int j = 0; j < d; j++) mean[j] += row[j] / (double) n;
        }
        for (float[] row : x) for (int j = 0; j < d; j++) scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / n;
        for (int j = 0; j < d; j++) scale[j] = scale[j] > 1e-24 ? 1 / Math.sqrt(scale[j]) : 0;
        for (int label : y)
            if (label < 0 || label >= classes)
                throw new IllegalArgumentException("probe: label " + label + " outside [0, " + classes + ")");
        double[][] z = new double[n][d + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) z[i][j] = (x[i][j] - mean[j]) * scale[j];
            z[i][d] = 1;
        }
        double[][] w = new double[classes][d + 1],
                velocity = new double[classes][d + 1],
                grad = new double[classes][d + 1];
        // Standardised inputs: the loss's curvature L is at most 1/2 times the trace of the
        // inputs' second moment (d + 1); heavy-ball steps are stable while lr * L < 2 (1 + momentum),
        // and lr * L <= 2 here, for any width and however correlated the features are.
        double lr = 2.0 / (0.5 * (d + 1) + l2), momentum = 0.9;
        double[] p = new double[classes];
        for (int it = 0; it < iterations; it++) {
            for (double[] g : grad) java.util.Arrays.fill(g, 0);
            for (int i = 0; i < n; i++) {
                probabilities(w, velocity, momentum, z[i], p);
                p[y[i]] -= 1;
                for (int c = 0; c < classes; c++) {
                    double pc = p[c] / n;
                    if (pc == 0) continue;
                    double[] gc = grad[c], zi = z[i];
                    for (int j = 0; j <= d; j++) gc[j] += pc * zi[j];
                }
            }
            for (int c = 0; c < classes; c++) {
                for (int j = 0; j <= d; j++) {
                    double look = w[c][j] + momentum * velocity[c][j];
                    double g = grad[c][j] + (j < d ? l2 * look : 0);
                    velocity[c][j] = momentum * velocity[c][j] - lr * g;
                    w[c][j] += velocity[c][j];
                }
            }
        }
        return new SoftmaxProbe(mean, scale, w);
    }

    /** Class probabilities at the look-ahead point w + momentum * velocity (Nesterov), into {@code p}. */
    private static void probabilities(double[][] w, double[][] velocity, double momentum, double[] z, double[] p) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < w.length; c++) {
            double s = 0;
            for (int j = 0; j < z.length; j++) s += (w[c][j] + momentum * velocity[c][j]) * z[j];
            p[c] = s;
            max = Math.max(max, s);
        }
        double sum = 0;
        for (int c = 0; c < p.length; c++) sum += p[c] = Math.exp(p[c] - max);
        for (int c = 0; c < p.length; c++) p[c] /= sum;
    }

    /** The most probable class of one row. */
    public int predict(float[] row) {
        int d = mean.length, best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            double s = weights[c][d];
            for (int j = 0; j < d; j++) s += weights[c][j] * (row[j] - mean[j]) * scale[j];
            if (s > bestScore) {
                bestScore = s;
                best = c;
            }
        }
        return best;
    }

    /** The share of rows predicted as their label. */
    public double accuracy(float[][] x, int[] y) {
        if (x.length == 0) return Double.NaN;
        int right = 0;
        for (int i = 0; i < x.length; i++) if (predict(x[i]) == y[i]) right++;
        return right / (double) x.length;
    }
}
