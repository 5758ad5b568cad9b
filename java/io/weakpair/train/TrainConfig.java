package io.weakpair.train;

import io.weakpair.backend.MiningMode;
import io.weakpair.loss.ContrastiveLoss;
import io.weakpair.model.Recomputation;
import io.weakpair.model.ShippedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A training run's configuration: the values set explicitly (by {@code config.yaml}, then the
 * command line) over the defaults of {@link ConfigKey}. The targets and the matching loss
 * default from the stage (finetune: uITC + GITM; pretrain: itc-id + ITM), so a file that says
 * {@code stage: pretrain} gets the pre-training objective without restating it.
 *
 * <p>Immutable; {@link #with} gives a changed copy. Every value is checked when set (range,
 * choices) and the few rules that join two keys are checked here, so a bad configuration
 * fails before anything runs.
 */
public final class TrainConfig {
    /** The training stage, which sets the defaults of the targets and the matching loss. */
    public enum Stage {
        FINETUNE,
        PRETRAIN
    }

    private final EnumMap<ConfigKey, Object> explicit;

    private TrainConfig(EnumMap<ConfigKey, Object> explicit) {
        this.explicit = explicit;
        if (minLr() > lr())
            throw new IllegalArgumentException("min_lr (" + minLr() + ") must not exceed lr (" + lr() + ")");
        if (minLr() > lrHeads())
            throw new IllegalArgumentException("min_lr (" + minLr() + ") must not exceed lr_heads (" + lrHeads() + ")");
    }

    /** The main job's recipe: every key at its default. */
    public static TrainConfig defaults() {
        return new TrainConfig(new EnumMap<>(ConfigKey.class));
    }

    /** A copy with one key set; {@code value} is parsed as its text (so 1e-3, "1e-3" and 0.001 are the same). */
    public TrainConfig with(ConfigKey key, Object value) {
        return withAll(Map.of(key, value), "configuration");
    }

    /** A copy with several keys set; {@code where} names their source in errors (a file, "--set"). */
    public TrainConfig withAll(Map<ConfigKey, ?> values, String where) {
        EnumMap<ConfigKey, Object> next = new EnumMap<>(explicit);
        for (Map.Entry<ConfigKey, ?> e : values.entrySet())
            next.put(e.getKey(), e.getKey().parse(String.valueOf(e.getValue()), where));
        return new TrainConfig(next);
    }

    /** The value of a key as it applies to this run (explicit, else the default). */
    public Object value(ConfigKey key) {
        Object v = explicit.get(key);
        if (v != null) return v;
        return switch (key) {
            case TARGETS ->
                ConfigKey.canonical(
                        stage() == Stage.PRETRAIN ? ContrastiveLoss.Targets.ID : ContrastiveLoss.Targets.UNCERTAINTY);
            case MATCHING ->
                ConfigKey.canonical(stage() == Stage.PRETRAIN ? Objective.Matching.ITM : Objective.Matching.GITM);
            // Fine-tuning a trained model takes smaller steps than training one from scratch.
            case LR -> fromScratch() ? 1e-3 : 1e-4;
            case LR_HEADS -> fromScratch() ? 1e-3 : 5e-4;
            default -> key.defaultValue();
        };
    }

    /** Every key with the value this run uses, in table order: what the run folder's config.yaml holds. */
    public Map<ConfigKey, Object> effective() {
        Map<ConfigKey, Object> m = new LinkedHashMap<>();
        for (ConfigKey k : ConfigKey.values()) m.put(k, value(k));
        return Collections.unmodifiableMap(m);
    }

    /** The same, by key name, for logs and JSON. */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<ConfigKey, Object> e : effective().entrySet())
            m.put(e.getKey().key(), e.getValue());
        return m;
    }

    private String text(ConfigKey k) {
        return (String) value(k);
    }

    private int integer(ConfigKey k) {
        return (Integer) value(k);
    }

    private double real(ConfigKey k) {
        return (Double) value(k);
    }

    private <E extends Enum<E>> E choice(ConfigKey k, Class<E> type) {
        return k.choice(type, value(k));
    }

    /** An optional path: null when the key is empty. */
    private Path path(ConfigKey k) {
        String s = text(k);
        return s.isEmpty() ? null : Path.of(s);
    }

    public Stage stage() {
        return choice(ConfigKey.STAGE, Stage.class);
    }

    public String preset() {
        return text(ConfigKey.PRESET);
    }

    /**
     * The checkpoint to start from, or null. A folder holding a {@code model.safetensors} (a run
     * folder, or one of its {@code checkpoints/step-N}) stands for that file.
     */
    public Path init() {
        if (fromScratch()) return null;
        if (text(ConfigKey.INIT).equals(ShippedModels.PRETRAINED)) return ShippedModels.pretrainedTiny();
        Path p = path(ConfigKey.INIT);
        if (p != null && Files.isDirectory(p) && Files.isRegularFile(p.resolve(RunFolder.MODEL)))
            return p.resolve(RunFolder.MODEL);
        return p;
    }

    /**
     * Whether the run starts from a fresh preset: init is empty or none, or it is the default
     * (the shipped pre-trained model) while a preset was chosen explicitly.
     */
    public boolean fromScratch() {
        String init = text(ConfigKey.INIT);
        return init.isEmpty()
                || init.equals("none")
                || (init.equals(ShippedModels.PRETRAINED)
                        && !explicit.containsKey(ConfigKey.INIT)
                        && explicit.containsKey(ConfigKey.PRESET));
    }

    /** The input size {height, width}, or null for the preset's own. */
    public int[] imageSize() {
        String s = text(ConfigKey.IMAGE_SIZE);
        return s.equals("preset") ? null : ConfigKey.pair(s, "image_size", "HxW", 16, 4096);
    }

    public Path dataset() {
        return path(ConfigKey.DATASET);
    }

    public String datasetFormat() {
        return text(ConfigKey.DATASET_FORMAT);
    }

    public int p() {
        return ConfigKey.pair(text(ConfigKey.BATCH), "batch", "PxK", 2, 100_000)[0];
    }

    public int k() {
        return ConfigKey.pair(text(ConfigKey.BATCH), "batch", "PxK", 2, 100_000)[1];
    }

    public int epochs() {
        return integer(ConfigKey.EPOCHS);
    }

    public int maxSteps() {
        return integer(ConfigKey.MAX_STEPS);
    }

    public double lr() {
        return real(ConfigKey.LR);
    }

    public double lrHeads() {
        return real(ConfigKey.LR_HEADS);
    }

    public double minLr() {
        return real(ConfigKey.MIN_LR);
    }

    public double weightDecay() {
        return real(ConfigKey.WEIGHT_DECAY);
    }

    public int warmupSteps() {
        return integer(ConfigKey.WARMUP_STEPS);
    }

    public double gradClip() {
        return real(ConfigKey.GRAD_CLIP);
    }

    public double flip() {
        return real(ConfigKey.FLIP);
    }

    public int kTest() {
        return integer(ConfigKey.K_TEST);
    }

    public int vocabSize() {
        return integer(ConfigKey.VOCAB_SIZE);
    }

    public long seed() {
        return (Long) value(ConfigKey.SEED);
    }

    public int evalBatch() {
        return integer(ConfigKey.EVAL_BATCH);
    }

    public int maxBadSteps() {
        return integer(ConfigKey.MAX_BAD_STEPS);
    }

    public int keepCheckpoints() {
        return integer(ConfigKey.KEEP_CHECKPOINTS);
    }

    /** A checkpoint every this many steps besides the epoch ends; 0: none. */
    public int checkpointEvery() {
        return integer(ConfigKey.CHECKPOINT_EVERY);
    }

    /** An evaluation on the eval dataset every this many steps; 0: none. */
    public int evalEvery() {
        return integer(ConfigKey.EVAL_EVERY);
    }

    /** The periodic evaluation's dataset, or null for the built-in benchmark. */
    public Path evalDataset() {
        return path(ConfigKey.EVAL_DATASET);
    }

    public String device() {
        return text(ConfigKey.DEVICE);
    }

    /** CPU threads, 0 for the environment's setting. */
    public int threads() {
        return integer(ConfigKey.THREADS);
    }

    /** Which layers recompute their activations in backward. */
    public Recomputation.Mode recompute() {
        return choice(ConfigKey.RECOMPUTE, Recomputation.Mode.class);
    }

    /** How many of the run's last epochs add the matching loss; 0 for all of them. */
    public int matchingEpochs() {
        return integer(ConfigKey.MATCHING_EPOCHS);
    }

    /**
     * The first epoch (from 0) that adds the matching loss, in a run of {@code runEpochs} epochs
     * (the epochs its step budget reaches into, the last possibly partial).
     */
    public int matchingFromEpoch(int runEpochs) {
        return matchingEpochs() == 0 ? 0 : Math.max(0, runEpochs - matchingEpochs());
    }

    /** The losses of epoch {@code epoch} (from 0) of a run of {@code runEpochs}: without the matching loss before {@link #matchingFromEpoch}. */
    public Objective objective(int epoch, int runEpochs) {
        Objective o = objective();
        return epoch < matchingFromEpoch(runEpochs) ? o.withMatching(Objective.Matching.NONE, o.miningMode()) : o;
    }

    /** The losses this configuration adds up. */
    public Objective objective() {
        return new Objective(
                choice(ConfigKey.TARGETS, ContrastiveLoss.Targets.class),
                real(ConfigKey.ALPHA),
                choice(ConfigKey.MATCHING, Objective.Matching.class),
                choice(ConfigKey.MINING, MiningMode.class),
                real(ConfigKey.BETA),
                real(ConfigKey.LAMBDA_MLM));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainConfig other && effective().equals(other.effective());
    }

    @Override
    public int hashCode() {
        return effective().hashCode();
    }

    @Override
    public String toString() {
        return describe().toString();
    }
}
