package io.weakpair.optim;

import io.weakpair.backend.UnaryOp;
import io.weakpair.tensor.Tensor;

/** Gradient clipping by the global L2 norm over all parameters (torch.nn.utils.clip_grad_norm_). */
public final class GradClip {
    private GradClip() {}

    /** The L2 norm of all gradients together (parameters without a gradient count as zero). */
    public static double globalNorm(Iterable<Tensor> params) {
        double sumSquares = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            g.checkOpen("clipGradNorm");
            if (g.isContiguous()) {
                sumSquares += g.backend().sumSquares(g);
            } else {
                try (Tensor c = g.contiguous()) {
                    sumSquares += c.backend().sumSquares(c);
                }
            }
        }
        return Math.sqrt(sumSquares);
    }

    /**
     * Scales every gradient by {@code maxNorm / norm} when the global norm exceeds
     * {@code maxNorm}, so that afterwards it is exactly {@code maxNorm} (PyTorch adds 1e-6 to
     * the divisor; this does not). Returns the norm before clipping. A non-finite norm is
     * returned without touching the gradients: scaling by it would poison every parameter,
     * so the caller decides (typically: skip the step).
     */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm))
            throw new IllegalArgumentException("clipGradNorm: maxNorm must be finite and > 0, got " + maxNorm);
        double norm = globalNorm(params);
        if (!Double.isFinite(norm) || norm <= maxNorm) return norm;
        double scale = maxNorm / norm;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            if (g.isContiguous()) {
                g.backend().unary(UnaryOp.AFFINE, g, g, scale, 0);
            } else {
                try (Tensor c = g.contiguous()) {
                    c.backend().unary(UnaryOp.AFFINE, c, c, scale, 0);
                    c.backend().copy(c, g);
                }
            }
        }
        return norm;
    }
}
