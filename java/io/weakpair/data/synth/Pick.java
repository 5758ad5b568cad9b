package io.weakpair.data.synth;

import java.util.List;
import java.util.SplittableRandom;

/** Random choices used by the generator (all from an explicit, seeded stream). */
final class Pick {
    private Pick() {}

    static <T> T one(SplittableRandom rng, List<T> items) {
        return items.get(rng.nextInt(items.size()));
    }

    @SafeVarargs
    static <T> T one(SplittableRandom rng, T... items) {
        return items[rng.nextInt(items.length)];
    }

    /** {@code items[i]} with probability proportional to {@code weights[i]}. */
    static <T> T weighted(SplittableRandom rng, T[] items, double[] weights) {
        double total = 0;
        for (double w : weights) total += w;
        double u = rng.nextDouble() * total;
        for (int i = 0; i < items.length; i++) {
            u -= weights[i];
            if (u < 0) return items[i];
        }
        return items[items.length - 1];
    }

    static boolean chance(SplittableRandom rng, double p) {
        return p > 0 && rng.nextDouble() < p;
    }

    static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    /** The usual word with probability 0.6, otherwise any word of the list. */
    static String word(SplittableRandom rng, List<String> words) {
        return words.size() == 1 || rng.nextDouble() < 0.6 ? words.get(0) : words.get(rng.nextInt(words.size()));
    }
}
