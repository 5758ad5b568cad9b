package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.Tensor;

/**
 * y = gelu(x + bias) over the last axis in one kernel: the epilogue of a linear layer whose
 * GEMM ran without its bias (saves the bias broadcast and the separate GELU pass, and the
 * backward's separate bias-gradient reduction). Same values as {@code F.gelu(F.add(x, bias))}.
 */
final class BiasGeluOp {
    private BiasGeluOp() {}

    static Tensor biasGelu(Tensor x, Tensor bias) {
        String op = "biasGelu";
        if (bias == null) throw new IllegalArgumentException(op + ": bias is null (use F.gelu for no bias)");
        Check.compatible(op, x, bias);
        Check.floating(op, x);
        Check.minRank(op, x, 1, "input");
        Check.shape(op, bias, new int[] {x.dim(-1)}, "bias");

        Tensor y = Tensor.empty(x.dtype(), x.device(), x.shape());
        Tensor xc = x.contiguous(), bc = bias.contiguous();
        y.backend().biasGelu(xc, bc, y);
        if (!Autograd.needed(x, bias)) {
            xc.close();
            bc.close();
            return y;
        }
        // The derivative is taken at x + bias: keep both inputs (contiguous handles of our own).
        return Autograd.record(
                new Node(op, x, bias) {
                    @Override
                    protected Tensor[] backward(Tensor g) {
                        Tensor gx = Tensor.empty(g.dtype(), g.device(), g.shape());
                        Tensor gb = needsGrad(1) ? Tensor.empty(g.dtype(), g.device(), bc.shape()) : null;
                        g.backend().biasGeluBackward(xc, bc, g, gx, gb);
                        return new Tensor[] {needsGrad(0) ? gx : closeAndNull(gx), gb};
                    }
                }.saving(xc, bc),
                y);
    }

    private static Tensor closeAndNull(Tensor t) {
        t.close();
        return null;
    }
}
