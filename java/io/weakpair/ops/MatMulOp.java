package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.Shapes;
import io.weakpair.tensor.Tensor;
import java.util.Arrays;

/** Matrix products (plain, batched, and the fused linear layer) on the backend's GEMM. */
final class MatMulOp {
    private MatMulOp() {}

    /**
     * A matrix operand as GEMM sees it: the storage, whether it is read transposed, its row
     * stride and its batch stride. A transposed view of a contiguous matrix is passed with the
     * transpose flag instead of being copied.
     */
    private record Operand(Tensor base, boolean trans, long ld, long batchStride, boolean owned)
            implements AutoCloseable {
        static Operand of(Tensor t) {
            int r = t.rank();
            int[] shape = t.shape();
            long[] st = t.strides();
            int rows = shape[r - 2], cols = shape[r - 1];
            // The batch dimensions must collapse into one stride (size-1 dimensions carry none).
            boolean batchOk = true, first = true;
            long batchStride = 0, expect = 0;
            for (int i = r - 3; i >= 0; i--) {
                if (shape[i] == 1) continue;
                if (first) {
                    batchStride = st[i];
                    first = false;
                } else if (st[i] != expect) {
                    batchOk = false;
                }
                expect = st[i] * shape[i];
            }
            if (batchOk && rows > 0 && cols > 0) {
                if (st[r - 1] == 1 && (st[r - 2] >= cols || rows == 1))
                    return new Operand(t, false, rows == 1 ? cols : st[r - 2], batchStride, false);
                if (st[r - 2] == 1 && (st[r - 1] >= rows || cols == 1))
                    return new Operand(t, true, cols == 1 ? rows : st[r - 1], batchStride, false);
            }
            Tensor c = t.contiguous();
            return new Operand(c, false, Math.max(1, cols), r > 2 ? (long) rows * cols : 0, true);
        }

        @Override
        public void close() {
            if (owned) base.close();
        }
    }

    /** [.., M, K] @ [.., K, N]; batch dimensions must match, or one side is a plain matrix. */
    static Tensor matmul(Tensor a, Tensor b) {
        Check.compatible("matmul", a, b);
        Check.floating("matmul", a);
        Check.minRank("matmul", a, 2, "left operand");
        Check.minRank("matmul", b, 2, "right operand");
        int[] as = a.shape(), bs = b.shape();
        int m = as[as.length - 2], k = as[as.length - 1], k2 = bs[bs.length - 2], n = bs[bs.length - 1];
        if (k != k2)
            throw new IllegalArgumentException("matmul: shapes " + Arrays.toString(as) + " and " + Arrays.toString(bs)
                    + " do not chain (" + k + " != " + k2 + ")");
        int[] aBatch = Arrays.copyOf(as, as.length - 2), bBatch = Arrays.copyOf(bs, bs.length - 2);
        int[] batchShape;
        if (bBatch.length == 0) batchShape = aBatch;
        else if (aBatch.length == 0) batchShape = bBatch;
        else if (Arrays.equals(aBatch, bBatch)) batchShape = aBatch;
        else
            throw new IllegalArgumentException(
                    "matmul: batch dimensions " + Arrays.toString(aBatch) + " and " + Arrays.toString(bBatch)
                            + " differ (shapes " + Arrays.toString(as) + " and " + Arrays.toString(bs) + ")");
        int[] outShape = Arrays.copyOf(batchShape, batchShape.length + 2);
        outShape[batchShape.length] = m;
        outShape[batchShape.length + 1] = n;
        Tensor out = Tensor.empty(a.dtype(), a.device(), outShape);
        gemmInto(a, b, out, false, false, 0.0);
        if (Autograd.needed(a, b))
            Autograd.record(
                    new Node("matmul", a, b) {
                        @Override
                        protected Tensor[] backward(Tensor g) {
                            Tensor ga = null, gb = null;
                            if (needsGrad(0)) ga = productGrad(g, b, a.shape(), false);
                            if (needsGrad(1)) gb = productGrad(a, g, b.shape(), true);
                            return new Tensor[] {ga, gb};
                        }
                    },
                    out);
        return out;
    }

    /**
     * ga = g @ b^T (left=false) or gb = a^T @ g (left=true), summed over batch dimensions the
     * operand did not have.
     */
    private static Tensor productGrad(Tensor x, Tensor y, int[] targetShape, boolean transposeLeft) {
        int[] xs = x.shape(), ys = y.shape();
        int rows = transposeLeft ? xs[xs.length - 1] : xs[xs.length - 2];
        int cols = transposeLeft ? ys[ys.length - 1] : ys[ys.length - 2];
        int[] batch = xs.length >= ys.length ? Arrays.copyOf(xs, xs.length - 2) : Arrays.copyOf(ys, ys.length - 2);
        boolean targetIsMatrix = targetShape.length == 2 && batch.length > 0;
        if (targetIsMatrix && transposeLeft) {
            // gb = sum_i a_i^T g_i = (a as [P*M, K])^T @ (g as [P*M, N]): fold the batch into the rows.
            try (Tensor xf = flattenBatch(x);
                    Tensor yf = flattenBatch(y)) {
                Tensor out = Tensor.empty(x.dtype(), x.device(), rows, cols);
                gemmInto(xf, yf, out, true, false, 0.0);
                return out;
            }
        }
        int[] full = Arrays.copyOf(batch, batch.length + 2);
        full[batch.length] = rows;
        full[batch.length + 1] = cols;
        Tensor out = Tensor.empty(x.dtype(), x.device(), full);
        gemmInto(x, y, out, transposeLeft, !transposeLeft, 0.0);
        if (Arrays.equals(full, targetShape)) return out;
        Tensor reduced = ReductionOps.sumTo(out, targetShape);
        if (reduced != out) out.close();
        return reduced;
    }

    /** [.., r, c] as [P * r, c] when the batch is to be folded (contiguous copy if needed). */
    private static Tensor flattenBatch(Tensor t) {
        int[] s = t.shape();
        if (s.length == 2) return t.contiguous();
        try (Tensor c = t.contiguous()) {
            return c.viewAs(-1, s[s.length - 1]);
        }
    }

    /** out = op(a) @ op(b) (+ beta * out), batch dims of out drive the loop. */
    static void gemmInto(Tensor a, Tensor b, Tensor out, boolean transA, boolean transB, double beta) {
        int[] os = out.shape();
        int r = os.length;
        int m = os[r - 2], n = os[r - 1];
        int[] as = a.shape();
        int k = transA ? as[as.length - 2] : as[as.length - 1];
        long batch = Shapes.numel(Arrays.copyOf(os, r - 2));
        try (Operand oa = Operand.of(a);
                Operand ob = Operand.of(b)) {
            boolean ta = oa.trans ^ transA, tb = ob.trans ^ transB;
            long sa = a.rank() > 2 ? oa.batchStride : 0, sb = b.rank() > 2 ? ob.batchStride : 0;
            out.backend()
                    .gemm(
                            ta,
                            tb,
                            batch,
                            m,
                            n,
                            k,
                            1.0,
                            oa.base,
                            oa.ld,
                            sa,
                            ob.base,
                            ob.ld,
                            sb,
                            beta,
                            out,
                            Math.max(1, n),
                            (long) m * n);
        }
    }

    /** y = x @ W^T + bias, with W [out, in] as in PyTorch; one node for all three gradients. */
    static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        Check.compatible("linear", x, w, bias);
        Check.floating("linear", x);
        Check.minRank("linear", x, 1, "input");
        Check.rank("linear", w, 2, "weight");
        int[] xs = x.shape();
        int in = xs[xs.length - 1];
        int outF = w.dim(0);
        if (w.dim(1) != in)
            throw new IllegalArgumentException("linear: input " + x.describe() + " has " + in + " features but weight "
                    + w.describe() + " expects " + w.dim(1));
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != outF))
            throw new IllegalArgumentException("linear: bias " + bias.describe() + " must have shape [" + outF + "]");
        int[] outShape = xs.clone();
        outShape[outShape.length - 1] = outF;
        long rows = x.numel() / Math.max(1, in);
        Tensor out = Tensor.empty(x.dtype(), x.device(), outShape);
        Tensor x2 = x.contiguous();
        try (Tensor x2d = x2.viewAs((int) rows, in);
                Tensor o2d = out.viewAs((int) rows, outF)) {
            double beta = 0.0;
            if (bias != null) {
                try (Tensor bv =
                        bias.view(new int[] {(int) rows, outF}, new long[] {0, bias.strides()[0]}, bias.offset())) {
                    out.backend().copy(bv, o2d);
                }
                beta = 1.0;
            }
            gemmInto(x2d, w, o2d, false, true, beta);
        }
        if (Autograd.needed(x, w, bias)) {
            Autograd.record(
                    new Node("linear", x, w, bias) {
                        @Override
                        protected Tensor[] backward(Tensor g) {
                            Tensor gx = null, gw = null, gb = null;
                            try (Tensor g2 = g.viewAs((int) rows, outF);
                                    Tensor x2d = x2.viewAs((int) rows, in)) {
                                if (needsGrad(0)) {
                                    gx = Tensor.empty(g.dtype(), g.device(), xs);
                                    try (Tensor gx2 = gx.viewAs((int) rows, in)) {
                                        gemmInto(g2, w, gx2, false, false, 0.0);
                                    }
                                }
                                if (needsGrad(1)) {
                                    gw = Tensor.empty(g.dtype(), g.device(), outF, in);
                                    gemmInto(g2, x2d, gw, true, false, 0.0);
                                }
                                if (needsGrad(2)) {
                                    gb = Tensor.empty(g.dtype(), g.device(), outF);
                                    gb.backend().reduceSum(g2, 1, rows, outF, gb, 1.0);
                                }
                            }
                            return new Tensor[] {gx, gw, gb};
                        }
                    }.saving(x2),
                    out);
        } else {
            x2.close();
        }
        return out;
    }
}
