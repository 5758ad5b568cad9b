package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.tensor.Tensor;

/**
 * Scaled dot-product attention composed from general ops (matmul, softmax, a mask bias),
 * with the same contract as {@link F#attention}: the reference the fused kernel is tested
 * against and the baseline it is benchmarked against. It stores the [B, H, Lq, Lk] scores
 * and probabilities (several of them while gradients are recorded), which is exactly the
 * memory the fused op avoids. Test code (the tests and the benchmarks of bench/java, which
 * compile with the tests): production code calls {@link F#attention}.
 */
public final class ComposedAttention {
    /** Added to the scores of masked keys: exp of it underflows to 0 in F32 and F64. */
    static final double MASKED_SCORE = -1e30;

    private ComposedAttention() {}

    public static Tensor apply(Tensor q, Tensor k, Tensor v, Tensor keyMask) {
        return apply(q, k, v, keyMask, AttentionOp.defaultScale(q));
    }

    /**
     * softmax(scale q k^T + bias) * keep, then @ v; bias is MASKED_SCORE and keep 0 where a key
     * is masked. Multiplying by keep makes a row with every key masked 0 (its softmax alone
     * would be uniform), as in the fused op. Intermediates are closed here unless autograd
     * needs them (then the enclosing scope owns them).
     */
    public static Tensor apply(Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale) {
        boolean grad = Autograd.needed(q, k, v);
        Tensor kt = F.transpose(k, -1, -2);
        Tensor raw = F.matmul(q, kt);
        Tensor scores = F.scale(raw, scale);
        release(grad, kt, raw);
        Tensor probs;
        if (keyMask == null) {
            probs = F.softmax(scores);
            release(grad, scores);
        } else {
            Check.open("composedAttention", keyMask);
            int b = q.dim(0), lk = k.dim(2);
            int[] mask = keyMask.toIntArray();
            if (mask.length != (long) b * lk)
                throw new IllegalArgumentException(
                        "composedAttention: keyMask " + keyMask.describe() + " must be [" + b + ", " + lk + "]");
            double[] keep = new double[mask.length];
            double[] bias = new double[mask.length];
            for (int i = 0; i < mask.length; i++) {
                keep[i] = mask[i] != 0 ? 1 : 0;
                bias[i] = mask[i] != 0 ? 0 : MASKED_SCORE;
            }
            Tensor keepT = Tensor.fromDoubles(keep, q.dtype(), q.device(), b, 1, 1, lk);
            Tensor biasT = Tensor.fromDoubles(bias, q.dtype(), q.device(), b, 1, 1, lk);
            Tensor masked = F.add(scores, biasT);
            Tensor soft = F.softmax(masked);
            probs = F.mul(soft, keepT);
            release(grad, scores, masked, soft, keepT, biasT);
        }
        Tensor out = F.matmul(probs, v);
        release(grad, probs);
        return out;
    }

    private static void release(boolean grad, Tensor... ts) {
        if (grad) return;
        for (Tensor t : ts) t.close();
    }
}
