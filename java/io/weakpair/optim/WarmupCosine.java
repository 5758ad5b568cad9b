package io.weakpair.optim;

/**
 * Linear warm-up to {@code peak}, then a half cosine down to {@code floor}:
 * <pre>
 *   step &lt; warmup:          peak * (step + 1) / warmup      (reaches peak at step warmup - 1)
 *   warmup &lt;= step &lt; total: floor + (peak - floor) * (1 + cos(pi * (step - warmup) / (total - warmup))) / 2
 *   step &gt;= total:          floor
 * </pre>
 * Step 0 already trains (no step with rate 0), and step {@code warmup} is the cosine's top.
 */
public record WarmupCosine(double peak, double floor, long warmupSteps, long totalSteps) implements LrSchedule {
    public WarmupCosine {
        if (!(peak >= 0) || Double.isInfinite(peak))
            throw new IllegalArgumentException("WarmupCosine: peak must be finite and >= 0, got " + peak);
        if (!(floor >= 0 && floor <= peak))
            throw new IllegalArgumentException("WarmupCosine: floor must be in [0, peak=" + peak + "], got " + floor);
        if (warmupSteps < 0 || totalSteps < warmupSteps)
            throw new IllegalArgumentException(
                    "WarmupCosine: need 0 <= warmup (" + warmupSteps + ") <= total (" + totalSteps + ")");
    }

    @Override
    public double lr(long step) {
        if (step < 0) throw new IllegalArgumentException("WarmupCosine: step must be >= 0, got " + step);
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        if (step >= totalSteps) return floor;
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
