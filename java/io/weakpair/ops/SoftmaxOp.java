package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.Shapes;
import io.weakpair.tensor.Tensor;

/** Softmax and log-softmax along one axis, with the gradient computed from the output. */
final class SoftmaxOp {
    private SoftmaxOp() {}

    static Tensor apply(Tensor x, int axis, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        Check.open(op, x);
        Check.floating(op, x);
        Check.minRank(op, x, 1, "input");
        int a = Shapes.axis(axis, x.rank(), op);
        int last = x.rank() - 1;
        if (a == last) return lastAxis(op, x, log);
        // The kernel works on contiguous rows: move the axis last and back, both as views
        // with gradients (the kernel's input copy makes it contiguous).
        Tensor moved = F.transpose(x, a, last);
        Tensor y = lastAxis(op, moved, log);
        Tensor out = F.transpose(y, a, last);
        if (!Autograd.needed(x)) {
            moved.close();
            y.close();
        }
        return out;
    }

    private static Tensor lastAxis(String op, Tensor x, boolean log) {
        Tensor y = Tensor.empty(x.dtype(), x.device(), x.shape());
        try (Tensor xc = x.contiguous()) {
            y.backend().softmaxForward(xc, y, log);
        }
        if (Autograd.needed(x)) {
            // Both derivatives read only the output: gx = y (g - sum(g y)) for softmax and
            // gx = g - exp(y) sum(g) for log-softmax.
            Autograd.record(
                    new Node(op, x) {
                        @Override
                        protected Tensor[] backward(Tensor g) {
                            Tensor gx = Tensor.empty(g.dtype(), g.device(), g.shape());
                            gx.backend().softmaxBackward(y, g, gx, log);
                            return new Tensor[] {gx};
                        }
                    },
                    y);
        }
        return y;
    }
}
