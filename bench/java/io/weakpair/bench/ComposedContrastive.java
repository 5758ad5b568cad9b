package io.weakpair.bench;

import io.weakpair.autograd.GradMode;
import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;

/**
 * The uITC loss of a square batch composed from the engine's generic differentiable ops
 * (l2Normalize, matmul, div, exp, sums, softCrossEntropy = -sum q log_softmax per row): the
 * baseline the fused kernel is benchmarked against. Every intermediate is an N x N tensor.
 */
public final class ComposedContrastive {
    private ComposedContrastive() {}

    /**
     * mask: M as a float [N, N] tensor (1 for same identity). The confidence softmax over the
     * positives subtracts 1/tau, an upper bound of S, instead of the row maximum (the engine
     * has no max reduction op); it is exact for the taus of the benchmarks.
     */
    public static Tensor loss(Tensor image, Tensor text, Tensor tau, Tensor mask, double alpha) {
        Tensor f = F.l2Normalize(image), g = F.l2Normalize(text);
        Tensor s = F.div(F.matmul(f, F.transpose(g, 0, 1)), tau);
        Tensor qI2t, qT2i;
        try (GradMode off = GradMode.off()) {
            Tensor e = F.mul(F.exp(F.affine(s, 1, -1.0 / tau.item())), mask);
            Tensor cI2t = F.div(e, F.sum(e, 1, true)), cT2i = F.div(e, F.sum(e, 0, true));
            Tensor uI2t = F.div(mask, F.sum(mask, 1, true)), uT2i = F.div(mask, F.sum(mask, 0, true));
            qI2t = F.add(F.scale(uI2t, 1 - alpha), F.scale(cI2t, alpha));
            qT2i = F.add(F.scale(uT2i, 1 - alpha), F.scale(cT2i, alpha));
        }
        Tensor lI2t = F.softCrossEntropy(s, qI2t);
        Tensor lT2i = F.softCrossEntropy(F.transpose(s, 0, 1), F.transpose(qT2i, 0, 1));
        return F.scale(F.add(lI2t, lT2i), 0.5);
    }
}
