package io.weakpair.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Text-to-image retrieval metrics over a set of queries, each a fraction in [0, 1]
 * (the formatting methods print percentages).
 *
 * @param r1 share of queries with a correct image at rank 1
 * @param r5 share of queries with a correct image in the top 5
 * @param r10 share of queries with a correct image in the top 10
 * @param mAP mean average precision
 * @param mINP mean inverse negative penalty
 * @param queries how many queries were averaged
 */
public record RetrievalMetrics(double r1, double r5, double r10, double mAP, double mINP, int queries) {
    // Name column width; longer names widen their row rather than being cut.
    private static final String NAME = "%-12s";
    private static final String VALUES = " %7s %7s %7s %7s %7s %8s";

    /** Checks every metric is a fraction and the query count is positive. */
    public RetrievalMetrics {
        fraction("R@1", r1);
        fraction("R@5", r5);
        fraction("R@10", r10);
        fraction("mAP", mAP);
        fraction("mINP", mINP);
        if (queries < 1)
            throw new IllegalArgumentException("retrieval metrics: queries must be at least 1, got " + queries);
        // R@k can only grow with k; a violation means the caller built the record wrongly.
        if (r1 > r5 || r5 > r10) {
            throw new IllegalArgumentException(
                    "retrieval metrics: R@1 <= R@5 <= R@10 must hold, got " + r1 + ", " + r5 + ", " + r10);
        }
    }

    private static void fraction(String name, double v) {
        if (!(v >= 0.0 && v <= 1.0)) {
            throw new IllegalArgumentException(
                    "retrieval metrics: " + name + " must be a fraction in [0, 1], got " + v);
        }
    }

    /** The column titles matching {@link #row(String)}. */
    public static String header() {
        return String.format(Locale.ROOT, NAME + VALUES, "ranking", "R@1", "R@5", "R@10", "mAP", "mINP", "queries");
    }

    /**
     * One table row: {@code name}, then R@1, R@5, R@10, mAP and mINP as percentages with two
     * decimals (always a decimal point, whatever the default locale), then the query count.
     */
    public String row(String name) {
        return String.format(
                Locale.ROOT,
                NAME + VALUES,
                name,
                pct(r1),
                pct(r5),
                pct(r10),
                pct(mAP),
                pct(mINP),
                Integer.toString(queries));
    }

    private static String pct(double fraction) {
        return String.format(Locale.ROOT, "%.2f", 100.0 * fraction);
    }

    /** "R@1", "R@5", "R@10", "mAP", "mINP" (in that order) to their values in percent; unmodifiable. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("R@1", 100.0 * r1);
        m.put("R@5", 100.0 * r5);
        m.put("R@10", 100.0 * r10);
        m.put("mAP", 100.0 * mAP);
        m.put("mINP", 100.0 * mINP);
        return Collections.unmodifiableMap(m);
    }
}
