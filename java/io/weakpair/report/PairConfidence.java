package io.weakpair.report;

import io.weakpair.loss.Uncertainty;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;

/**
 * The method's parameter-free confidence (docs/method.md section 1) of each positive pair of
 * some queries, from the evaluation's similarities: for query caption j, c_t2i[i][j] over the
 * gallery images i of its identity, the softmax of S_ij = sim / tau restricted to them. The
 * caption's own image and its weak pairs (the identity's other images) share the mass 1.
 */
final class PairConfidence {
    private PairConfidence() {}

    /**
     * @param similarity    the evaluation's [Q][G] cosine similarities, row-major
     * @param gallery       G
     * @param temperature   the model's tau
     * @param queries       the chosen query indices
     * @return [queries.length][G]: the confidence of each positive pair, 0 for the other images
     */
    static float[][] of(
            float[] similarity,
            int gallery,
            double temperature,
            int[] galleryLabels,
            int[] queryLabels,
            int[] queries) {
        if (!(temperature > 0))
            throw new IllegalArgumentException("pair confidence: the temperature must be positive, got " + temperature);
        int n = queries.length;
        float[][] out = new float[n][gallery];
        if (n == 0) return out;
        // S is [N_r = images, N_c = chosen captions]: the column confidences are c_t2i.
        float[] logits = new float[gallery * n];
        int[] colLabels = new int[n];
        for (int j = 0; j < n; j++) {
            int q = queries[j];
            colLabels[j] = queryLabels[q];
            for (int g = 0; g < gallery; g++) logits[g * n + j] = (float) (similarity[q * gallery + g] / temperature);
        }
        try (Scope s = Scope.open()) {
            Uncertainty.Confidence c = Uncertainty.confidence(
                    Tensor.of(logits, gallery, n), Tensor.ofInts(galleryLabels, gallery), Tensor.ofInts(colLabels, n));
            float[] t2i = c.t2i().toFloatArray();
            for (int j = 0; j < n; j++) for (int g = 0; g < gallery; g++) out[j][g] = t2i[g * n + j];
        }
        return out;
    }
}
