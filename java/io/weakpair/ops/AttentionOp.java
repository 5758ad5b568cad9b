package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;

/**
 * Fused scaled dot-product attention, softmax(scale q k^T + mask) v, as one autograd node.
 * The backend never materialises the [Lq, Lk] scores: the forward keeps only the output and
 * the row log-sum-exp, and the backward recomputes the scores tile by tile. Works for self-
 * (Lq = Lk) and cross-attention (Lq != Lk). Query rows whose keys are all masked give 0 and
 * pass no gradient.
 */
final class AttentionOp {
    static final String OP = "attention";

    private AttentionOp() {}

    /** The usual 1/sqrt(Dh) scale for q [B, H, Lq, Dh]. */
    static double defaultScale(Tensor q) {
        Check.open(OP, q);
        Check.rank(OP, q, 4, "q [batch, heads, queries, headDim]");
        return 1.0 / Math.sqrt(Math.max(1, q.dim(3)));
    }

    /**
     * q [B, H, Lq, Dh], k and v [B, H, Lk, Dh], keyMask null or I32 [B, Lk] (nonzero = the
     * key takes part). Returns [B, H, Lq, Dh].
     */
    static Tensor apply(Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale) {
        validate(q, k, v, keyMask, scale);
        int b = q.dim(0), h = q.dim(1), lq = q.dim(2), dh = q.dim(3);
        Tensor qc = q.contiguous(), kc = k.contiguous(), vc = v.contiguous();
        Tensor mc = keyMask == null ? null : keyMask.contiguous();
        Tensor out = Tensor.empty(q.dtype(), q.device(), b, h, lq, dh);
        Tensor lse = Tensor.empty(q.dtype(), q.device(), b, h, lq);
        out.backend().attentionForward(qc, kc, vc, mc, scale, out, lse);
        if (!Autograd.needed(q, k, v)) {
            closeAll(qc, kc, vc, mc, lse);
            return out;
        }
        // The node keeps the (contiguous) inputs, the output and lse: O(L * Dh) per head.
        Autograd.record(
                new Node(OP, q, k, v) {
                    @Override
                    protected Tensor[] backward(Tensor g) {
                        Tensor gq = Tensor.empty(g.dtype(), g.device(), qc.shape());
                        Tensor gk = Tensor.empty(g.dtype(), g.device(), kc.shape());
                        Tensor gv = Tensor.empty(g.dtype(), g.device(), vc.shape());
                        g.backend().attentionBackward(qc, kc, vc, mc, scale, out, lse, g, gq, gk, gv);
                        return new Tensor[] {
                            keepIf(needsGrad(0), gq), keepIf(needsGrad(1), gk), keepIf(needsGrad(2), gv)
                        };
                    }
                }.saving(qc, kc, vc, mc, lse),
                out);
        return out;
    }

    private static void validate(Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale) {
        Check.compatible(OP, q, k, v);
        Check.open(OP, keyMask);
        Check.floating(OP, q);
        Check.rank(OP, q, 4, "q [batch, heads, queries, headDim]");
        Check.rank(OP, k, 4, "k [batch, heads, keys, headDim]");
        Check.rank(OP, v, 4, "v [batch, heads, keys, headDim]");
        int b = q.dim(0), h = q.dim(1), dh = q.dim(3), lk = k.dim(2);
        if (k.dim(0) != b || k.dim(1) != h || k.dim(3) != dh)
            throw new IllegalArgumentException(OP + ": k " + k.describe() + " does not match q " + q.describe()
                    + " (batch, heads and headDim must agree)");
        Check.shape(OP, v, k.shape(), "v (same shape as k " + k.describe() + ")");
        if (dh < 1) throw new IllegalArgumentException(OP + ": headDim of q " + q.describe() + " must be at least 1");
        if (keyMask != null) {
            Check.sameDevice(OP, q, keyMask);
            Check.dtype(OP, keyMask, DType.I32, "keyMask");
            Check.shape(OP, keyMask, new int[] {b, lk}, "keyMask [batch, keys]");
        }
        if (!Double.isFinite(scale))
            throw new IllegalArgumentException(OP + ": scale must be finite, got " + scale + " for q " + q.describe());
    }

    private static Tensor keepIf(boolean needed, Tensor grad) {
        if (needed) return grad;
        grad.close();
        return null;
    }

    private static void closeAll(Tensor... ts) {
        for (Tensor t : ts) if (t != null) t.close();
    }
}
