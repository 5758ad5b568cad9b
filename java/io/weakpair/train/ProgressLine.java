package io.weakpair.train;

import io.weakpair.progress.TrainingProgress;
import java.io.PrintStream;

/**
 * The terminal's view of training: a progress bar (plain lines in a log) over the steps this
 * session takes, with the smoothed loss and its terms, the temperature and samples per second.
 */
public final class ProgressLine implements TrainingListener {
    private final PrintStream out;
    private TrainingProgress progress;

    public ProgressLine(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onStart(TrainConfig cfg, RunState state, long totalSteps, RunFolder run) {
        progress = new TrainingProgress(out, Math.max(0, totalSteps - state.step()), cfg.epochs());
    }

    @Override
    public void onStep(StepRecord r) {
        progress.step(r.epoch(), r.loss(), r.itc(), r.matching(), r.mlm(), r.temperature(), r.batchSize());
    }

    @Override
    public void onSkippedStep(long step, double loss, int inARow) {
        out.printf(
                java.util.Locale.ROOT,
                "warning: step %d: loss is %s; the step is skipped (%d in a row)%n",
                step,
                loss,
                inARow);
    }

    @Override
    public void onEvaluation(
            long step, String split, java.util.Map<String, io.weakpair.eval.RetrievalMetrics> metrics, double seconds) {
        StringBuilder b = new StringBuilder(
                String.format(java.util.Locale.ROOT, "step %d, %s split (%.1f s):", step, split, seconds));
        metrics.forEach((name, m) -> b.append(
                String.format(java.util.Locale.ROOT, "  %s R@1 %.2f mAP %.2f", name, 100 * m.r1(), 100 * m.mAP())));
        out.println(b);
    }

    @Override
    public void onEnd(RunState state, boolean interrupted) {
        close();
    }

    @Override
    public void close() {
        if (progress != null) progress.close();
        progress = null;
    }
}
