package io.weakpair.bench;

import io.weakpair.autograd.GradMode;
import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;

/**
 * The uITC loss of a square batch composed from the engine's generic differentiable ops
 * (l2Normalize, matmul, div, softmax, logSoftmax, mul, sum, mean), written as a PyTorch user
 * writes it (bench/torch_contrastive.py): the baseline the fused kernel is benchmarked
 * against. Every intermediate is an N x N tensor.
 */
public final class ComposedContrastive {
    private ComposedContrastive() {}

    /** mask: M as a float [N, N] tensor (1 for same identity, else 0). */
    public static Tensor loss(Tensor image, Tensor text, Tensor tau, Tensor mask, double alpha) {
        Tensor f = F.l2Normalize(image), g = F.l2Normalize(text);
        Tensor s = F.div(F.matmul(f, F.transpose(g, 0, 1)), tau);
        Tensor qI2t, qT2i;
        try (GradMode off = GradMode.off()) { // the confidence is a stop-gradient constant
            Tensor masked = F.add(s, F.affine(mask, 1e30, -1e30)); // -1e30 outside the positives
            Tensor uI2t = F.div(mask, F.sum(mask, 1, true)), uT2i = F.div(mask, F.sum(mask, 0, true));
            qI2t = F.add(F.scale(uI2t, 1 - alpha), F.scale(F.softmax(masked, 1), alpha));
            qT2i = F.add(F.scale(uT2i, 1 - alpha), F.scale(F.softmax(masked, 0), alpha));
        }
        Tensor lI2t = F.neg(F.mean(F.sum(F.mul(qI2t, F.logSoftmax(s, 1)), 1, false)));
        Tensor lT2i = F.neg(F.mean(F.sum(F.mul(qT2i, F.logSoftmax(s, 0)), 0, false)));
        return F.scale(F.add(lI2t, lT2i), 0.5);
    }
}
