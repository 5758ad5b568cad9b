package io.weakpair.train;

import java.util.SplittableRandom;

/**
 * ALBEF's ITM negatives: for each image one text, and for each text one image, drawn with
 * probability softmax(similarity) over the other identities (RaSa masks the same person, not
 * only the same index, so a weak positive is never drawn as a negative). -1 where the batch
 * holds no other identity.
 */
final class ItmSampling {
    private ItmSampling() {}

    /** logits S [N, N] row-major (image rows, text columns), labels [N]; returns {negative text per image, negative image per text}. */
    static int[][] sample(float[] logits, int[] labels, SplittableRandom rng) {
        int n = labels.length;
        int[] negText = new int[n], negImage = new int[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) negText[i] = draw(i, n, labels, w, rng, (r, c) -> logits[r * n + c], true);
        for (int j = 0; j < n; j++) negImage[j] = draw(j, n, labels, w, rng, (r, c) -> logits[r * n + c], false);
        return new int[][] {negText, negImage};
    }

    private interface Logit {
        float at(int row, int col);
    }

    private static int draw(
            int anchor, int n, int[] labels, double[] w, SplittableRandom rng, Logit s, boolean imageAnchor) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            w[k] = Double.NaN;
            if (labels[k] == labels[anchor]) continue;
            double v = imageAnchor ? s.at(anchor, k) : s.at(k, anchor);
            w[k] = v;
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY) return -1;
        double total = 0;
        for (int k = 0; k < n; k++) {
            w[k] = Double.isNaN(w[k]) ? 0 : Math.exp(w[k] - max);
            total += w[k];
        }
        double u = rng.nextDouble() * total;
        int last = -1;
        for (int k = 0; k < n; k++) {
            if (w[k] == 0) continue;
            last = k;
            u -= w[k];
            if (u < 0) return k;
        }
        return last;
    }
}
