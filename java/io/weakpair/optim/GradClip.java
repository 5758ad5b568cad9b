package io.weakpair.optim;

import io.weakpair.backend.Backend;
import io.weakpair.backend.UnaryOp;
import io.weakpair.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Gradient clipping by the global L2 norm over all parameters (torch.nn.utils.clip_grad_norm_). */
public final class GradClip {
    private GradClip() {}

    /**
     * The L2 norm of all gradients together (parameters without a gradient count as zero). One
     * batched sum per backend ({@link Backend#sumSquares(Iterable)}): on a GPU a single read-back
     * for all the model's tensors instead of one per tensor.
     */
    public static double globalNorm(Iterable<Tensor> params) {
        Map<Backend, List<Tensor>> byBackend = new LinkedHashMap<>();
        List<Tensor> copies = new ArrayList<>();
        try {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                g.checkOpen("clipGradNorm");
                if (!g.isContiguous()) {
                    g = g.contiguous();
                    copies.add(g);
                }
                byBackend.computeIfAbsent(g.backend(), b -> new ArrayList<>()).add(g);
            }
            double sumSquares = 0;
            for (Map.Entry<Backend, List<Tensor>> e : byBackend.entrySet())
                sumSquares += e.getKey().sumSquares(e.getValue());
            return Math.sqrt(sumSquares);
        } finally {
            for (Tensor c : copies) c.close();
        }
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
