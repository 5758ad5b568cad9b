package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.Tensor;

/**
 * Inverted dropout with a counter-based mask (a hash of seed and element index, see
 * wp/dropout.h): reproducible for a seed, independent of the thread count, and never stored
 * — the backward applies the same mask to the gradient by re-running the kernel.
 */
final class DropoutOp {
    private DropoutOp() {}

    /**
     * x with each element zeroed with probability p and the rest scaled by 1/(1-p). When
     * {@code training} is false or p is 0 this is the identity and returns {@code x} itself.
     * Callers pass a different seed for every call site and step (the mask depends on the
     * seed and the element's flat index only).
     */
    static Tensor dropout(Tensor x, double p, long seed, boolean training) {
        String op = "dropout";
        Check.open(op, x);
        Check.floating(op, x);
        if (!(p >= 0 && p <= 1))
            throw new IllegalArgumentException(
                    op + ": p must be in [0, 1], got " + p + " (input " + x.describe() + ")");
        if (!training || p == 0) return x;
        Tensor y = Tensor.empty(x.dtype(), x.device(), x.shape());
        try (Tensor xc = x.contiguous()) {
            y.backend().dropoutForward(xc, y, null, p, seed);
        }
        if (!Autograd.needed(x)) return y;
        return Autograd.record(
                new Node(op, x) {
                    @Override
                    protected Tensor[] backward(Tensor g) {
                        Tensor gx = Tensor.empty(g.dtype(), g.device(), g.shape());
                        g.backend().dropoutForward(g, gx, null, p, seed);
                        return new Tensor[] {gx};
                    }
                },
                y);
    }
}
