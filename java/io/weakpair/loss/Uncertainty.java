package io.weakpair.loss;

import io.weakpair.tensor.Tensor;

/**
 * Parameter-free uncertainty estimation (docs/method.md section 1): the relative confidence of each
 * positive pair within its anchor's positive set. A constant of the loss: no gradient.
 */
public final class Uncertainty {
    private Uncertainty() {}

    /** c_i2t and c_t2i, both [N_r, N_c], zero outside the positive pairs; close both (or use a scope). */
    public record Confidence(Tensor i2t, Tensor t2i) implements AutoCloseable {
        @Override
        public void close() {
            i2t.close();
            t2i.close();
        }
    }

    /**
     * Confidence from logits S [N_r, N_c] and the identity labels of rows [N_r] and columns
     * [N_c] (I32 or I64); null labels on both sides mean the strict pairs (P_i = {i}).
     */
    public static Confidence confidence(Tensor logits, Tensor rowLabels, Tensor colLabels) {
        final String op = "uncertainty";
        LossChecks.logits(op, logits);
        int nr = logits.dim(0), nc = logits.dim(1);
        if ((rowLabels == null) != (colLabels == null))
            throw new IllegalArgumentException(
                    op + ": give labels for both rows and columns, or neither (strict pairs)");
        Tensor s = logits.contiguous();
        Tensor rl = rowLabels == null ? null : LossChecks.labels(op, rowLabels, nr, s, "row labels");
        Tensor cl = colLabels == null ? null : LossChecks.labels(op, colLabels, nc, s, "column labels");
        try {
            Tensor ci = Tensor.empty(s.dtype(), s.device(), nr, nc), ct = Tensor.empty(s.dtype(), s.device(), nr, nc);
            s.backend().uncertaintyConfidence(s, rl, cl, ci, ct);
            return new Confidence(ci, ct);
        } finally {
            s.close();
            if (rl != null) rl.close();
            if (cl != null) cl.close();
        }
    }
}
