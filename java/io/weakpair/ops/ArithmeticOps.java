package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.backend.BinaryOp;
import io.weakpair.backend.UnaryOp;
import io.weakpair.tensor.Shapes;
import io.weakpair.tensor.Tensor;

/** Broadcasting add/sub/mul/div and the affine map, with their gradients. */
final class ArithmeticOps {
    private ArithmeticOps() {}

    static Tensor binary(BinaryOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase();
        Check.compatible(name, a, b);
        Check.floating(name, a);
        Tensor out = compute(op, a, b);
        if (Autograd.needed(a, b)) Autograd.record(new BinaryNode(name, op, a, b, out), out);
        return out;
    }

    /** out = a (op) b with broadcasting, no autograd. */
    static Tensor compute(BinaryOp op, Tensor a, Tensor b) {
        int[] shape = Shapes.broadcast(a.shape(), b.shape(), op.name().toLowerCase());
        Tensor out = Tensor.empty(a.dtype(), a.device(), shape);
        try (Tensor av = a.view(shape, Shapes.broadcastStrides(a.shape(), a.strides(), shape), a.offset());
                Tensor bv = b.view(shape, Shapes.broadcastStrides(b.shape(), b.strides(), shape), b.offset())) {
            out.backend().binary(op, av, bv, out);
        }
        return out;
    }

    private static final class BinaryNode extends Node {
        private final BinaryOp kind;
        private final Tensor a, b, out;

        BinaryNode(String name, BinaryOp kind, Tensor a, Tensor b, Tensor out) {
            super(name, a, b);
            this.kind = kind;
            this.a = a;
            this.b = b;
            this.out = out;
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            Tensor ga = null, gb = null;
            switch (kind) {
                case ADD -> {
                    if (needsGrad(0)) ga = ReductionOps.sumTo(g, a.shape());
                    if (needsGrad(1)) gb = ReductionOps.sumTo(g, b.shape());
                }
                case SUB -> {
                    if (needsGrad(0)) ga = ReductionOps.sumTo(g, a.shape());
                    if (needsGrad(1)) gb = negated(ReductionOps.sumTo(g, b.shape()), g);
                }
                case MUL -> {
                    if (needsGrad(0)) ga = reduced(compute(BinaryOp.MUL, g, b), a.shape());
                    if (needsGrad(1)) gb = reduced(compute(BinaryOp.MUL, g, a), b.shape());
                }
                case DIV -> {
                    if (needsGrad(0)) ga = reduced(compute(BinaryOp.DIV, g, b), a.shape());
                    if (needsGrad(1)) {
                        // d(a/b)/db = -(a/b)/b = -out/b
                        try (Tensor t = compute(BinaryOp.MUL, g, out)) {
                            gb = negated(reduced(compute(BinaryOp.DIV, t, b), b.shape()), null);
                        }
                    }
                }
            }
            return new Tensor[] {ga, gb};
        }
    }

    /** sumTo that frees its input when it made a new tensor. */
    private static Tensor reduced(Tensor full, int[] shape) {
        Tensor r = ReductionOps.sumTo(full, shape);
        if (r != full) full.close();
        return r;
    }

    /** -t as a new tensor; frees {@code t} unless it is {@code keep} (a tensor the caller does not own). */
    private static Tensor negated(Tensor t, Tensor keep) {
        Tensor out = Tensor.empty(t.dtype(), t.device(), t.shape());
        try (Tensor c = t.contiguous()) {
            out.backend().unary(UnaryOp.NEG, c, out, 0, 0);
        }
        if (t != keep) t.close();
        return out;
    }

    /** y = alpha * x + beta. */
    static Tensor affine(Tensor x, double alpha, double beta) {
        Check.open("affine", x);
        Check.floating("affine", x);
        Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape());
        try (Tensor c = x.contiguous()) {
            out.backend().unary(UnaryOp.AFFINE, c, out, alpha, beta);
        }
        if (Autograd.needed(x))
            Autograd.record(
                    new Node("affine", x) {
                        @Override
                        protected Tensor[] backward(Tensor g) {
                            Tensor gx = Tensor.empty(g.dtype(), g.device(), g.shape());
                            gx.backend().unaryBackward(UnaryOp.AFFINE, null, null, g, gx, alpha);
                            return new Tensor[] {gx};
                        }
                    },
                    out);
        return out;
    }
}
