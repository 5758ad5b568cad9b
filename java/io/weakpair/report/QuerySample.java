package io.weakpair.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which queries a report shows: a seeded choice, half of them (as far as there are) queries
 * whose top image is wrong, so the report shows failures as well as successes.
 */
final class QuerySample {
    private QuerySample() {}

    /** Up to {@code n} query indices, ascending, from {@code hitAt1} (true: the top image is correct). */
    static int[] choose(boolean[] hitAt1, int n, long seed) {
        List<Integer> hits = new ArrayList<>(), misses = new ArrayList<>();
        for (int q = 0; q < hitAt1.length; q++) (hitAt1[q] ? hits : misses).add(q);
        SplittableRandom rng = new SplittableRandom(seed);
        shuffle(hits, rng);
        shuffle(misses, rng);
        int total = Math.min(n, hitAt1.length);
        int fromMisses = Math.min(misses.size(), Math.max(total - hits.size(), (total + 1) / 2));
        int[] out = new int[total];
        for (int i = 0; i < fromMisses; i++) out[i] = misses.get(i);
        for (int i = fromMisses; i < total; i++) out[i] = hits.get(i - fromMisses);
        Arrays.sort(out);
        return out;
    }

    private static void shuffle(List<Integer> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            Integer t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }
}
