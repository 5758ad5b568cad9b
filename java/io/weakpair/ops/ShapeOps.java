package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.Shapes;
import io.weakpair.tensor.Tensor;
import java.util.Arrays;
import java.util.List;

/** Reshape, permute, transpose, slice and concat: views where possible, with gradients. */
final class ShapeOps {
    private ShapeOps() {}

    static Tensor reshape(Tensor x, int... shape) {
        Check.open("reshape", x);
        int[] target = Shapes.inferReshape(shape, x.numel(), "reshape", x.shape());
        Tensor out;
        if (x.isContiguous()) {
            out = x.view(target, Shapes.contiguousStrides(target), x.offset());
        } else {
            try (Tensor c = x.copy()) {
                out = c.viewAs(target);
            }
        }
        int[] from = x.shape();
        if (Autograd.needed(x))
            Autograd.record(
                    new Node("reshape", x) {
                        @Override
                        protected Tensor[] backward(Tensor g) {
                            return new Tensor[] {g.viewAs(from)};
                        }
                    },
                    out);
        return out;
    }

    static Tensor permute(Tensor x, int... dims) {
        Check.open("permute", x);
        int r = x.rank();
        if (dims.length != r)
            throw new IllegalArgumentException("permute: " + Arrays.toString(dims) + " has " + dims.length
                    + " axes, tensor " + x.describe() + " has " + r);
        int[] perm = new int[r];
        boolean[] seen = new boolean[r];
        for (int i = 0; i < r; i++) {
            perm[i] = Shapes.axis(dims[i], r, "permute");
            if (seen[perm[i]]) throw new IllegalArgumentException("permute: axis repeated in " + Arrays.toString(dims));
            seen[perm[i]] = true;
        }
        int[] shape = x.shape();
        long[] st = x.strides();
        int[] ns = new int[r];
        long[] nst = new long[r];
        int[] inverse = new int[r];
        for (int i = 0; i < r; i++) {
            ns[i] = shape[perm[i]];
            nst[i] = st[perm[i]];
            inverse[perm[i]] = i;
        }
        Tensor out = x.view(ns, nst, x.offset());
        if (Autograd.needed(x))
            Autograd.record(
                    new Node("permute", x) {
                        @Override
                        protected Tensor[] backward(Tensor g) {
                            int[] gs = g.shape();
                            long[] gst = g.strides();
                            int[] bs = new int[r];
                            long[] bst = new long[r];
                            for (int i = 0; i < r; i++) {
                                bs[i] = gs[inverse[i]];
                                bst[i] = gst[inverse[i]];
                            }
                            try (Tensor v = g.view(bs, bst, g.offset())) {
                                return new Tensor[] {v.copy()};
                            }
                        }
                    },
                    out);
        return out;
    }

    static Tensor transpose(Tensor x, int a, int b) {
        Check.open("transpose", x);
        int r = x.rank();
        int[] dims = new int[r];
        for (int i = 0; i < r; i++) dims[i] = i;
        int aa = Shapes.axis(a, r, "transpose"), bb = Shapes.axis(b, r, "transpose");
        dims[aa] = bb;
        dims[bb] = aa;
        return permute(x, dims);
    }

    /** Elements [start, end) along one axis, as a view. */
    static Tensor slice(Tensor x, int axis, int start, int end) {
        Check.open("slice", x);
        int[] shape = x.shape();
        int a = Shapes.axis(axis, shape.length, "slice");
        if (start < 0 || end > shape[a] || start > end)
            throw new IllegalArgumentException(
                    "slice: range [" + start + ", " + end + ") is outside axis " + axis + " of " + x.describe());
        int[] ns = shape.clone();
        ns[a] = end - start;
        long[] st = x.strides();
        Tensor out = x.view(ns, st, x.offset() + (long) start * st[a]);
        if (Autograd.needed(x))
            Autograd.record(
                    new Node("slice", x) {
                        @Override
                        protected Tensor[] backward(Tensor g) {
                            Tensor gx = Tensor.zeros(g.dtype(), g.device(), shape);
                            long[] gst = gx.strides();
                            try (Tensor region = gx.view(ns, gst, (long) start * gst[a])) {
                                gx.backend().copy(g, region);
                            }
                            return new Tensor[] {gx};
                        }
                    },
                    out);
        return out;
    }

    static Tensor concat(List<Tensor> parts, int axis) {
        if (parts.isEmpty()) throw new IllegalArgumentException("concat: no tensors");
        Tensor first = parts.get(0);
        Check.open("concat", first);
        int[] shape = first.shape();
        int a = Shapes.axis(axis, shape.length, "concat");
        int total = 0;
        int[] sizes = new int[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            Tensor p = parts.get(i);
            Check.compatible("concat", first, p);
            int[] ps = p.shape();
            if (ps.length != shape.length)
                throw new IllegalArgumentException(
                        "concat: ranks differ: " + first.describe() + " and " + p.describe());
            for (int d = 0; d < ps.length; d++)
                if (d != a && ps[d] != shape[d])
                    throw new IllegalArgumentException("concat: shapes " + first.describe() + " and " + p.describe()
                            + " differ outside axis " + axis);
            sizes[i] = ps[a];
            total += ps[a];
        }
        int[] outShape = shape.clone();
        outShape[a] = total;
        Tensor out = Tensor.empty(first.dtype(), first.device(), outShape);
        long[] ost = out.strides();
        int offset = 0;
        for (int i = 0; i < parts.size(); i++) {
            Tensor p = parts.get(i);
            int[] ps = p.shape();
            try (Tensor region = out.view(ps, ost, (long) offset * ost[a])) {
                out.backend().copy(p, region);
            }
            offset += sizes[i];
        }
        Tensor[] inputs = parts.toArray(new Tensor[0]);
        if (Autograd.needed(inputs))
            Autograd.record(
                    new Node("concat", inputs) {
                        @Override
                        protected Tensor[] backward(Tensor g) {
                            Tensor[] grads = new Tensor[inputs.length];
                            long[] gst = g.strides();
                            int off = 0;
                            for (int i = 0; i < inputs.length; i++) {
                                if (needsGrad(i)) {
                                    int[] ps = outShape.clone();
                                    ps[a] = sizes[i];
                                    try (Tensor v = g.view(ps, gst, g.offset() + (long) off * gst[a])) {
                                        grads[i] = v.copy();
                                    }
                                }
                                off += sizes[i];
                            }
                            return grads;
                        }
                    },
                    out);
        return out;
    }

    /** A contiguous copy (or handle) that passes the gradient through. */
    static Tensor contiguous(Tensor x) {
        Check.open("contiguous", x);
        Tensor out = x.contiguous();
        if (Autograd.needed(x))
            Autograd.record(
                    new Node("contiguous", x) {
                        @Override
                        protected Tensor[] backward(Tensor g) {
                            return new Tensor[] {g};
                        }
                    },
                    out);
        return out;
    }
}
