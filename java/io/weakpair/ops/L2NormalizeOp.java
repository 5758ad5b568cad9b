package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.Tensor;

/** y = x / max(||x||, eps) over the last axis (docs/method.md, notation: f_i = F_i / max(||F_i||, 1e-12)). */
final class L2NormalizeOp {
    private L2NormalizeOp() {}

    /** The eps of docs/method.md (notation). */
    static final double DEFAULT_EPS = 1e-12;

    static Tensor l2Normalize(Tensor x, double eps) {
        String op = "l2Normalize";
        Check.open(op, x);
        Check.floating(op, x);
        Check.minRank(op, x, 1, "input");
        int cols = x.dim(-1);
        if (cols < 1) throw new IllegalArgumentException(op + ": input " + x.describe() + " has an empty last axis");
        if (!(eps > 0) || Double.isInfinite(eps))
            throw new IllegalArgumentException(
                    op + ": eps must be positive and finite, got " + eps + " (input " + x.describe() + ")");
        int rows = Math.toIntExact(x.numel() / cols);

        Tensor y = Tensor.empty(x.dtype(), x.device(), x.shape());
        Tensor norms = Tensor.empty(x.dtype(), x.device(), rows);
        try (Tensor xc = x.contiguous()) {
            y.backend().l2NormalizeForward(xc, y, norms, eps);
        }
        if (!Autograd.needed(x)) {
            norms.close();
            return y;
        }
        // The backward reads the output and the norms only; its own handle on y keeps the
        // storage alive even if the caller closes the returned tensor first.
        Tensor ySaved = y.contiguous();
        return Autograd.record(
                new Node(op, x) {
                    @Override
                    protected Tensor[] backward(Tensor g) {
                        Tensor gx = Tensor.empty(g.dtype(), g.device(), g.shape());
                        g.backend().l2NormalizeBackward(ySaved, norms, g, gx, eps);
                        return new Tensor[] {gx};
                    }
                }.saving(ySaved, norms),
                y);
    }
}
