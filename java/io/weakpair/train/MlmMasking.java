package io.weakpair.train;

import java.util.SplittableRandom;

/**
 * BERT's masking rule as ALBEF applies it: each token other than [PAD] and [CLS] is chosen
 * with probability 0.15; a chosen token becomes [MASK] 80% of the time, a random id 10%,
 * and stays 10%. The targets are the original ids at the chosen positions.
 *
 * @param ids       the masked ids [T * L], row-major
 * @param positions the flat positions chosen, ascending
 * @param targets   the original id at each chosen position
 */
record MlmMasking(int[] ids, int[] positions, int[] targets) {
    static final double PROBABILITY = 0.15;

    static MlmMasking draw(
            int[] ids, int[] mask, int padId, int clsId, int maskId, int vocabSize, SplittableRandom rng) {
        int[] out = ids.clone();
        int[] pos = new int[ids.length], tgt = new int[ids.length];
        int n = 0;
        for (int i = 0; i < ids.length; i++) {
            if (mask[i] == 0 || ids[i] == padId || ids[i] == clsId) continue;
            if (rng.nextDouble() >= PROBABILITY) continue;
            pos[n] = i;
            tgt[n++] = ids[i];
            double r = rng.nextDouble();
            if (r < 0.8) out[i] = maskId;
            else if (r < 0.9) out[i] = rng.nextInt(vocabSize);
        }
        return new MlmMasking(out, java.util.Arrays.copyOf(pos, n), java.util.Arrays.copyOf(tgt, n));
    }

    int count() {
        return positions.length;
    }
}
