package io.weakpair.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The terminal's view of training: a line at most every few seconds with the step, the
 * smoothed loss and its terms, the temperature, samples per second and the time left.
 */
public final class ProgressLine implements TrainingListener {
    private static final long PRINT_EVERY_NS = 5_000_000_000L;

    private final PrintStream out;
    private long start;
    private long firstStep;
    private long lastPrint;
    private double smoothed = Double.NaN;
    private long samples;

    public ProgressLine(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onStart(TrainConfig cfg, RunState state, long totalSteps, RunFolder run) {
        start = System.nanoTime();
        firstStep = state.step();
    }

    @Override
    public void onStep(StepRecord r) {
        samples += r.batchSize();
        smoothed = Double.isNaN(smoothed) ? r.loss() : 0.9 * smoothed + 0.1 * r.loss();
        long now = System.nanoTime();
        if (now - lastPrint < PRINT_EVERY_NS && r.step() + 1 != r.totalSteps()) return;
        lastPrint = now;
        double elapsed = (now - start) / 1e9;
        double perStep = elapsed / (r.step() + 1 - firstStep);
        out.printf(Locale.ROOT, "step %d/%d (%3.0f%%) epoch %d  loss %.4f (itc %.3f, match %.3f, mlm %.3f)  tau %.4f  %.1f samples/s  ETA %s%n",
                r.step() + 1, r.totalSteps(), 100.0 * (r.step() + 1) / r.totalSteps(), r.epoch() + 1, smoothed, r.itc(), r.matching(), r.mlm(),
                r.temperature(), samples / elapsed, duration(perStep * (r.totalSteps() - r.step() - 1)));
    }

    @Override
    public void onSkippedStep(long step, double loss, int inARow) {
        out.printf(Locale.ROOT, "warning: step %d: loss is %s; the step is skipped (%d in a row)%n", step, loss, inARow);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60) : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
}
