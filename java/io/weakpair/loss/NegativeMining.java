package io.weakpair.loss;

import io.weakpair.backend.MiningMode;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;

/**
 * Group-wise hard-negative mining and weak-positive selection for GITM (docs/method.md section 4)
 * on the square logits of a batch, where text i was written for image i. Logits must be
 * finite: NaN or an infinity is an error naming the first bad position.
 */
public final class NegativeMining {
    private NegativeMining() {}

    /**
     * The mined pairs, I32 [N] each, -1 for none: image i's hard negative text, text i's hard
     * negative image, and image i's weak positive text.
     */
    public record MinedPairs(Tensor hardNegText, Tensor hardNegImage, Tensor weakPosText) implements AutoCloseable {
        @Override
        public void close() {
            hardNegText.close();
            hardNegImage.close();
            weakPosText.close();
        }
    }

    /** Mines from logits S [N, N] and identity labels [N] (I32 or I64); seed matters in SAMPLE mode only. */
    public static MinedPairs mine(Tensor logits, Tensor labels, MiningMode mode, long seed) {
        final String op = "mining";
        LossChecks.logits(op, logits);
        int n = logits.dim(0);
        if (logits.dim(1) != n)
            throw new IllegalArgumentException(
                    op + ": mining needs square logits (text i written for image i), got " + logits.describe());
        if (labels == null) throw new IllegalArgumentException(op + ": mining needs identity labels");
        if (mode == null) throw new IllegalArgumentException(op + ": mining mode is null");
        Tensor s = logits.contiguous();
        Tensor y = null;
        try {
            rejectNonFinite(op, s);
            y = LossChecks.labels(op, labels, n, s, "labels");
            Tensor text = Tensor.empty(DType.I32, s.device(), n), image = Tensor.empty(DType.I32, s.device(), n);
            Tensor weak = Tensor.empty(DType.I32, s.device(), n);
            s.backend().mineHardNegatives(s, y, mode, seed, text, image);
            s.backend().mineWeakPositives(s, y, mode, seed, weak);
            return new MinedPairs(text, image, weak);
        } finally {
            s.close();
            if (y != null) y.close();
        }
    }

    /**
     * Mining ranks logits, which NaN or an infinity would make meaningless: they are an error
     * naming the op and the first bad position (row-major), found on the host only on this
     * failing path. (The kernels order NaN lowest, so even unchecked calls are defined.)
     */
    static void rejectNonFinite(String op, Tensor contiguousLogits) {
        if (!contiguousLogits.backend().hasNonFinite(contiguousLogits)) return;
        double[] v = contiguousLogits.toDoubleArray();
        int cols = contiguousLogits.dim(1);
        for (int i = 0; i < v.length; i++)
            if (!Double.isFinite(v[i]))
                throw new IllegalArgumentException(
                        op + ": logits " + contiguousLogits.describe() + " hold a non-finite value (" + v[i] + ") at ["
                                + (i / cols) + ", " + (i % cols) + "]; mining needs finite logits");
        throw new IllegalArgumentException(op + ": logits " + contiguousLogits.describe() + " hold a non-finite value");
    }
}
