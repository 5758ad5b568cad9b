package io.weakpair.data;

/**
 * Derives independent random streams from a seed and a few integers (epoch, identity,
 * image, purpose), so that every random decision is a function of its coordinates alone and
 * never of the order in which threads happen to make them.
 */
public final class Seeds {
    private Seeds() {}

    /** A well-mixed 64-bit value of the seed and the coordinates (SplitMix64 finaliser per step). */
    public static long mix(long seed, long... coordinates) {
        long h = finalise(seed ^ 0x9E3779B97F4A7C15L);
        for (long c : coordinates) h = finalise(h ^ finalise(c + 0x632BE59BD9B4E019L));
        return h;
    }

    private static long finalise(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
