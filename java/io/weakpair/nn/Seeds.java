package io.weakpair.nn;

import java.nio.charset.StandardCharsets;

/**
 * Deterministic seed derivation: one model seed fans out into independent, stable seeds per
 * named part ("blocks.3.attn.qkv.weight"), so adding a layer does not reshuffle the others.
 */
public final class Seeds {
    private Seeds() {}

    /** A seed for {@code label} under {@code seed}; stable across runs, JVMs and platforms. */
    public static long derive(long seed, String label) {
        long h = mix(seed ^ 0x9E3779B97F4A7C15L);
        for (byte b : label.getBytes(StandardCharsets.UTF_8)) h = mix(h ^ (b & 0xff));
        return h;
    }

    /** SplitMix64's finaliser: a bijection that scatters nearby inputs far apart. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
