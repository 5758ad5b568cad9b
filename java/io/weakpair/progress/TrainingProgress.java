package io.weakpair.progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * What a person sees of training: a bar (or plain lines in a log) over the steps with the ETA,
 * and as its message the epoch, the smoothed loss and its terms, the temperature and the
 * samples per second. Call {@link #step} once per optimiser step, {@link #close} at the end.
 */
public final class TrainingProgress implements AutoCloseable {
    private final TaskProgress bar;
    private final int epochs;
    private final long start = System.nanoTime();
    private double smoothed = Double.NaN;
    private long samples;

    /** @param out the terminal or log (null: nothing shown); {@code totalSteps} and {@code epochs} of the run */
    public TrainingProgress(PrintStream out, long totalSteps, int epochs) {
        this(ProgressBars.open(out, "training", totalSteps, "steps"), epochs);
    }

    TrainingProgress(TaskProgress bar, int epochs) {
        this.bar = bar;
        this.epochs = epochs;
    }

    /**
     * One step done: {@code epoch} counts from 0; {@code loss} is the total, {@code itc},
     * {@code matching} and {@code mlm} its terms; {@code batchSize} the samples of the step.
     */
    public void step(
            int epoch, double loss, double itc, double matching, double mlm, double temperature, int batchSize) {
        samples += batchSize;
        // An exponential moving average: a single batch's loss is too noisy to read.
        smoothed = Double.isNaN(smoothed) ? loss : 0.9 * smoothed + 0.1 * loss;
        double seconds = (System.nanoTime() - start) / 1e9;
        // Most telling first: a narrow terminal cuts the end of the line.
        bar.message(String.format(
                Locale.ROOT,
                "loss %.4f  %.1f samples/s  epoch %d/%d  (itc %.3f, match %.3f, mlm %.3f, tau %.4f)",
                smoothed,
                seconds > 0 ? samples / seconds : 0.0,
                epoch + 1,
                epochs,
                itc,
                matching,
                mlm,
                temperature));
        bar.advance(1);
    }

    /** The smoothed loss so far (NaN before the first step). */
    public double smoothedLoss() {
        return smoothed;
    }

    @Override
    public void close() {
        bar.close();
    }
}
