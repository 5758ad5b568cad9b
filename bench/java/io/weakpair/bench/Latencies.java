package io.weakpair.bench;

import java.util.Arrays;

/** Per-call latencies of a benchmark, summarised by nearest-rank percentiles. */
final class Latencies {
    private Latencies() {}

    /** The p-th percentile of {@code nanos} in milliseconds (nearest rank: an observed value, no interpolation). */
    static double percentileMs(long[] nanos, int p) {
        if (nanos.length == 0) throw new IllegalArgumentException("no latencies to summarise");
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[Math.max(0, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e6;
    }
}
