package io.weakpair.train;

import io.weakpair.eval.RetrievalMetrics;
import java.io.IOException;
import java.util.Map;

/**
 * What happens around the training loop (logging, progress, reports) plugs in here, so the
 * loop itself stays short. Every method has an empty default; a listener overrides the moments
 * it cares about. Checkpoints are not a listener: resuming depends on them.
 */
public interface TrainingListener extends AutoCloseable {
    /** Before the first step of this session; {@code state} is where it starts (step 0, or where a resumed run left off). */
    default void onStart(TrainConfig cfg, RunState state, long totalSteps, RunFolder run) throws IOException {}

    /** After every step that updated the weights. */
    default void onStep(StepRecord step) throws IOException {}

    /** After a step whose loss was NaN or infinite (it was skipped). */
    default void onSkippedStep(long step, double loss, int inARow) {}

    /**
     * After a periodic evaluation ({@code eval_every}): the metrics of each ranking by name
     * ("itc", "itm", "itc+itm") on {@code split} of the evaluation dataset, after {@code step} steps.
     */
    default void onEvaluation(long step, String split, Map<String, RetrievalMetrics> metrics, double seconds)
            throws IOException {}

    /** After a checkpoint was written. */
    default void onCheckpoint(RunFolder.SavedStep saved, boolean endOfEpoch) throws IOException {}

    /** After the last step (or an interruption), before evaluation. */
    default void onEnd(RunState state, boolean interrupted) throws IOException {}

    @Override
    default void close() throws IOException {}

    /** One training step as the listeners see it. */
    record StepRecord(
            int epoch,
            long step,
            long totalSteps,
            double lr,
            double loss,
            double itc,
            double matching,
            double mlm,
            double gradNorm,
            double temperature,
            int pairs,
            int batchSize) {}
}
