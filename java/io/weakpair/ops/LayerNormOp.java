package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.Tensor;

/** Layer normalisation over the last axis, one fused node with a hand-written backward. */
final class LayerNormOp {
    private LayerNormOp() {}

    static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        String op = "layerNorm";
        Check.compatible(op, x, gamma, beta);
        Check.floating(op, x);
        Check.minRank(op, x, 1, "input");
        int cols = x.dim(-1);
        if (cols < 1) throw new IllegalArgumentException(op + ": input " + x.describe() + " has an empty last axis");
        if (gamma != null) Check.shape(op, gamma, new int[] {cols}, "gamma");
        if (beta != null) Check.shape(op, beta, new int[] {cols}, "beta");
        if (!(eps > 0) || Double.isInfinite(eps))
            throw new IllegalArgumentException(
                    op + ": eps must be positive and finite, got " + eps + " (input " + x.describe() + ")");
        int rows = Math.toIntExact(x.numel() / cols);

        Tensor xc = x.contiguous();
        Tensor gc = gamma == null ? null : gamma.contiguous();
        Tensor bc = beta == null ? null : beta.contiguous();
        Tensor y = Tensor.empty(x.dtype(), x.device(), x.shape());
        Tensor mean = Tensor.empty(x.dtype(), x.device(), rows);
        Tensor rstd = Tensor.empty(x.dtype(), x.device(), rows);
        y.backend().layerNormForward(xc, gc, bc, eps, y, mean, rstd);
        if (bc != null) bc.close(); // the backward never reads beta
        if (!Autograd.needed(x, gamma, beta)) {
            xc.close();
            if (gc != null) gc.close();
            mean.close();
            rstd.close();
            return y;
        }
        return Autograd.record(
                new Node(op, x, gamma, beta) {
                    @Override
                    protected Tensor[] backward(Tensor g) {
                        Tensor gx = needsGrad(0) ? Tensor.empty(g.dtype(), g.device(), g.shape()) : null;
                        Tensor ggamma = needsGrad(1) ? Tensor.empty(g.dtype(), g.device(), cols) : null;
                        Tensor gbeta = needsGrad(2) ? Tensor.empty(g.dtype(), g.device(), cols) : null;
                        g.backend().layerNormBackward(xc, gc, mean, rstd, g, gx, ggamma, gbeta);
                        return new Tensor[] {gx, ggamma, gbeta};
                    }
                }.saving(xc, gc, mean, rstd),
                y);
    }
}
