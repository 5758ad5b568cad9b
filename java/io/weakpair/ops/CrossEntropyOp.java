package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;
import java.util.Arrays;

/**
 * Cross-entropy losses over the last axis of the logits, fused with the log-softmax, each
 * reduced to the mean over rows as one node.
 */
final class CrossEntropyOp {
    private CrossEntropyOp() {}

    /**
     * Mean over the rows whose target is not {@code ignoreIndex} of lse(row) - row[target].
     * logits [..., C], targets I32 [...]. When every row is ignored the loss is 0 (and so is its
     * gradient), not 0/0.
     */
    static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex) {
        String op = "crossEntropy";
        Check.open(op, logits, targets);
        Check.sameDevice(op, logits, targets);
        Check.floating(op, logits);
        Check.dtype(op, targets, DType.I32, "targets");
        Check.minRank(op, logits, 1, "logits");
        int[] ls = logits.shape();
        int classes = ls[ls.length - 1];
        if (classes < 1) throw new IllegalArgumentException(op + ": logits " + logits.describe() + " have no classes");
        Check.shape(op, targets, Arrays.copyOf(ls, ls.length - 1), "targets for logits " + logits.describe());
        int rows = Math.toIntExact(targets.numel());

        Tensor tc = targets.contiguous();
        // The ignore count decides the mean's divisor; reading the ids on the host also lets the
        // error name the offending value.
        int[] ids = tc.toIntArray();
        int counted = 0;
        for (int r = 0; r < rows; r++) {
            int t = ids[r];
            if (t == ignoreIndex) continue;
            if (t < 0 || t >= classes) {
                tc.close();
                throw new IllegalArgumentException(op + ": target " + t + " at row " + r + " is outside [0, " + classes
                        + ") and is not the ignore index " + ignoreIndex + " (logits " + logits.describe()
                        + ", targets "
                        + targets.describe() + ")");
            }
            counted++;
        }
        double scale = counted == 0 ? 0.0 : 1.0 / counted;

        Tensor xc = logits.contiguous();
        Tensor lse = Tensor.empty(logits.dtype(), logits.device(), rows);
        Tensor out = Tensor.empty(logits.dtype(), logits.device());
        try (Tensor loss = Tensor.empty(logits.dtype(), logits.device(), rows)) {
            long bad = out.backend().crossEntropyForward(xc, tc, ignoreIndex, loss, lse);
            if (bad >= 0) { // the check above makes this unreachable; kept so a kernel never reads out of range
                // silently
                xc.close();
                tc.close();
                lse.close();
                out.close();
                throw new IllegalArgumentException(
                        op + ": target " + ids[(int) bad] + " at row " + bad + " is out of range");
            }
            out.backend().reduceSum(loss, 1, rows, 1, out, scale);
        }
        if (!Autograd.needed(logits)) {
            xc.close();
            tc.close();
            lse.close();
            return out;
        }
        return Autograd.record(
                new Node(op, logits) {
                    @Override
                    protected Tensor[] backward(Tensor g) {
                        Tensor gx = Tensor.empty(g.dtype(), g.device(), ls);
                        try (Tensor gLoss = ReductionOps.expand(g, new int[] {rows}, scale)) {
                            g.backend().crossEntropyBackward(xc, tc, ignoreIndex, lse, gLoss, gx);
                        }
                        return new Tensor[] {gx};
                    }
                }.saving(xc, tc, lse),
                out);
    }

    /**
     * Mean over rows of -sum_c q[row, c] * log_softmax(logits)[row, c]; logits and q have one
     * shape [..., C]; gradients flow to both. Zero rows give 0.
     */
    static Tensor softCrossEntropy(Tensor logits, Tensor q) {
        String op = "softCrossEntropy";
        Check.compatible(op, logits, q);
        Check.floating(op, logits);
        Check.minRank(op, logits, 1, "logits");
        int[] ls = logits.shape();
        Check.shape(op, q, ls, "targets q for logits " + logits.describe());
        int classes = ls[ls.length - 1];
        if (classes < 1) throw new IllegalArgumentException(op + ": logits " + logits.describe() + " have no classes");
        int rows = Math.toIntExact(logits.numel() / classes);
        double scale = rows == 0 ? 0.0 : 1.0 / rows;

        Tensor xc = logits.contiguous();
        Tensor qc = q.contiguous();
        Tensor lse = Tensor.empty(logits.dtype(), logits.device(), rows);
        Tensor out = Tensor.empty(logits.dtype(), logits.device());
        try (Tensor loss = Tensor.empty(logits.dtype(), logits.device(), rows)) {
            out.backend().softCrossEntropyForward(xc, qc, loss, lse);
            out.backend().reduceSum(loss, 1, rows, 1, out, scale);
        }
        if (!Autograd.needed(logits, q)) {
            xc.close();
            qc.close();
            lse.close();
            return out;
        }
        return Autograd.record(
                new Node(op, logits, q) {
                    @Override
                    protected Tensor[] backward(Tensor g) {
                        Tensor gx = Tensor.empty(g.dtype(), g.device(), ls);
                        Tensor gq = needsGrad(1) ? Tensor.empty(g.dtype(), g.device(), ls) : null;
                        try (Tensor gLoss = ReductionOps.expand(g, new int[] {rows}, scale)) {
                            g.backend().softCrossEntropyBackward(xc, qc, lse, gLoss, gx, gq);
                        }
                        if (!needsGrad(0)) {
                            gx.close();
                            gx = null;
                        }
                        return new Tensor[] {gx, gq};
                    }
                }.saving(xc, qc, lse),
                out);
    }
}
