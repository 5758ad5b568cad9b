package io.weakpair.model;

import io.weakpair.nn.Seeds;
import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Dropout and drop-path (stochastic depth) for one model, active only in training mode.
 * Each call draws a fresh seed from a counter, so a step's masks depend only on the seed set
 * with {@link #reseed} (the trainer sets it per step) and on the order of the layers: a run
 * is reproducible and the masks do not repeat between steps.
 */
public final class Regularisation {
    private double dropout;
    private double dropPath;
    private long base;
    private long counter;

    /** Both off: what evaluation and the gradient checks use. */
    public Regularisation() {}

    /** Sets the probabilities: dropout on hidden states (BERT's hidden_dropout), drop-path on ViT residual branches. */
    public Regularisation configure(double dropoutProbability, double dropPathProbability) {
        check("dropout", dropoutProbability);
        check("drop-path", dropPathProbability);
        this.dropout = dropoutProbability;
        this.dropPath = dropPathProbability;
        return this;
    }

    private static void check(String what, double p) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException(what + " probability must be in [0, 1), got " + p);
    }

    /** Starts a new, reproducible stream of masks (e.g. one per training step). */
    public void reseed(long seed) {
        this.base = seed;
        this.counter = 0;
    }

    public double dropout() {
        return dropout;
    }

    public double dropPath() {
        return dropPath;
    }

    /** Where the seed stream stands: a recomputed layer rewinds to it with {@link #replay}. */
    long position() {
        return counter;
    }

    /** Runs {@code block} with the seed stream at {@code position} (masks as they were drawn there), then puts it back. */
    <T> T replay(long position, java.util.function.Supplier<T> block) {
        long now = counter;
        counter = position;
        try {
            return block.get();
        } finally {
            counter = now;
        }
    }

    private long next() {
        return Seeds.derive(base, Long.toString(counter++));
    }

    /** Inverted dropout of x (x itself when off or not training). */
    Tensor dropout(Tensor x, boolean training) {
        if (!training || dropout == 0) return x;
        return F.dropout(x, dropout, next(), true);
    }

    /**
     * Drop-path of a residual branch [B, ...]: each sample's branch is kept with probability
     * 1 - p and scaled by 1 / (1 - p), or dropped whole (timm's DropPath).
     */
    Tensor dropPath(Tensor branch, boolean training) {
        if (!training || dropPath == 0) return branch;
        int b = branch.dim(0);
        SplittableRandom rng = new SplittableRandom(next());
        double[] keep = new double[b];
        for (int i = 0; i < b; i++) keep[i] = rng.nextDouble() >= dropPath ? 1.0 / (1 - dropPath) : 0.0;
        int[] shape = new int[branch.rank()];
        java.util.Arrays.fill(shape, 1);
        shape[0] = b;
        // Not closed here: the product's backward reads it. It belongs to the step's scope.
        Tensor mask = Tensor.fromDoubles(keep, branch.dtype(), branch.device(), shape);
        return F.mul(branch, mask);
    }
}
