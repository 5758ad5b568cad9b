package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.Shapes;
import io.weakpair.tensor.Tensor;
import java.util.Arrays;

/** Sums and means over an axis or everything, and the broadcast-undoing sumTo. */
final class ReductionOps {
    private ReductionOps() {}

    /** Sum (or mean) over one axis. */
    static Tensor sum(Tensor x, int axis, boolean keepDim, boolean mean) {
        String name = mean ? "mean" : "sum";
        Check.open(name, x);
        Check.floating(name, x);
        int[] shape = x.shape();
        int a = Shapes.axis(axis, shape.length, name);
        long outer = 1, inner = 1;
        for (int i = 0; i < a; i++) outer *= shape[i];
        for (int i = a + 1; i < shape.length; i++) inner *= shape[i];
        int len = shape[a];
        int[] kept = shape.clone();
        kept[a] = 1;
        Tensor out = Tensor.empty(x.dtype(), x.device(), keepDim ? kept : remove(shape, a));
        try (Tensor xc = x.contiguous()) {
            out.backend().reduceSum(xc, outer, len, inner, out, mean ? 1.0 / Math.max(1, len) : 1.0);
        }
        if (Autograd.needed(x))
            Autograd.record(
                    new Node(name, x) {
                        @Override
                        protected Tensor[] backward(Tensor g) {
                            try (Tensor gk = g.viewAs(kept)) {
                                return new Tensor[] {expand(gk, shape, mean ? 1.0 / Math.max(1, len) : 1.0)};
                            }
                        }
                    },
                    out);
        return out;
    }

    /** Sum (or mean) of every element, as a scalar of shape []. */
    static Tensor sumAll(Tensor x, boolean mean) {
        String name = mean ? "mean" : "sum";
        Check.open(name, x);
        Check.floating(name, x);
        int[] shape = x.shape();
        long n = x.numel();
        Tensor out = Tensor.empty(x.dtype(), x.device());
        try (Tensor xc = x.contiguous()) {
            out.backend().reduceSum(xc, 1, n, 1, out, mean ? 1.0 / Math.max(1, n) : 1.0);
        }
        if (Autograd.needed(x))
            Autograd.record(
                    new Node(name, x) {
                        @Override
                        protected Tensor[] backward(Tensor g) {
                            int[] ones = new int[shape.length];
                            Arrays.fill(ones, 1);
                            try (Tensor gk = g.viewAs(ones)) {
                                return new Tensor[] {expand(gk, shape, mean ? 1.0 / Math.max(1, n) : 1.0)};
                            }
                        }
                    },
                    out);
        return out;
    }

    /** A contiguous copy of {@code g} broadcast to {@code shape}, times {@code scale}. No autograd. */
    static Tensor expand(Tensor g, int[] shape, double scale) {
        Tensor out = Tensor.empty(g.dtype(), g.device(), shape);
        try (Tensor view = g.view(shape, Shapes.broadcastStrides(g.shape(), g.strides(), shape), g.offset())) {
            out.backend().copy(view, out);
        }
        if (scale != 1.0) out.backend().unary(io.weakpair.backend.UnaryOp.AFFINE, out, out, scale, 0);
        return out;
    }

    /**
     * Sums {@code g} down to {@code target}, undoing broadcasting; returns {@code g} itself when
     * the shapes already agree. No autograd.
     */
    static Tensor sumTo(Tensor g, int[] target) {
        int[] shape = g.shape();
        if (Arrays.equals(shape, target)) return g;
        if (target.length > shape.length)
            throw new IllegalArgumentException(
                    "sumTo: cannot reduce " + Arrays.toString(shape) + " to " + Arrays.toString(target));
        int lead = shape.length - target.length;
        int[] padded = new int[shape.length];
        for (int i = 0; i < shape.length; i++) padded[i] = i < lead ? 1 : target[i - lead];
        Tensor cur = g.contiguous();
        int[] curShape = shape.clone();
        int i = 0;
        while (i < curShape.length) {
            if (padded[i] == 1 && curShape[i] != 1) {
                int j = i;
                while (j < curShape.length && padded[j] == 1) j++;
                long outer = 1, axis = 1, inner = 1;
                for (int d = 0; d < i; d++) outer *= curShape[d];
                for (int d = i; d < j; d++) axis *= curShape[d];
                for (int d = j; d < curShape.length; d++) inner *= curShape[d];
                int[] next = curShape.clone();
                for (int d = i; d < j; d++) next[d] = 1;
                Tensor r = Tensor.empty(g.dtype(), g.device(), next);
                r.backend().reduceSum(cur, outer, axis, inner, r, 1.0);
                cur.close();
                cur = r;
                curShape = next;
                i = j;
            } else {
                if (padded[i] != curShape[i])
                    throw new IllegalArgumentException(
                            "sumTo: cannot reduce " + Arrays.toString(shape) + " to " + Arrays.toString(target));
                i++;
            }
        }
        try (Tensor c = cur) {
            return c.viewAs(target);
        }
    }

    private static int[] remove(int[] shape, int axis) {
        int[] out = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) if (i != axis) out[j++] = shape[i];
        return out;
    }
}
