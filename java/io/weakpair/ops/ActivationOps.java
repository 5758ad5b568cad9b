package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.backend.UnaryOp;
import io.weakpair.tensor.Tensor;

/** Pointwise functions (exp, log, tanh, GELU, ...) with their derivatives. */
final class ActivationOps {
    private ActivationOps() {}

    static Tensor apply(UnaryOp op, Tensor x) {
        String name = op.name().toLowerCase();
        Check.open(name, x);
        Check.floating(name, x);
        Tensor y = Tensor.empty(x.dtype(), x.device(), x.shape());
        Tensor xc = x.contiguous();
        y.backend().unary(op, xc, y, 1, 0);
        if (Autograd.needed(x)) {
            // The derivative reads x (log, gelu, square, relu) or y (exp, tanh, sqrt); the node
            // keeps the contiguous input until the graph is released.
            Autograd.record(
                    new Node(name, x) {
                        @Override
                        protected Tensor[] backward(Tensor g) {
                            Tensor gx = Tensor.empty(g.dtype(), g.device(), g.shape());
                            gx.backend().unaryBackward(op, xc, y, g, gx, 1);
                            return new Tensor[] {gx};
                        }
                    }.saving(xc),
                    y);
        } else {
            xc.close();
        }
        return y;
    }
}
