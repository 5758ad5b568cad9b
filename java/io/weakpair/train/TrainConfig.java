package io.weakpair.train;

import io.weakpair.backend.MiningMode;
import io.weakpair.loss.ContrastiveLoss;

/**
 * Every knob of a training run, with the defaults of the main job (the tiny preset fine-tuned
 * with uITC + GITM + MLM on the synthetic benchmark on a 2-core CPU).
 *
 * @param preset        model preset (tiny, small, base) when not starting from a checkpoint
 * @param p             identities per batch
 * @param k             instances (image, caption) per identity per batch (at least 2: weak pairs need company)
 * @param epochs        passes over the training pairs
 * @param maxSteps      stop after this many steps (0: no limit), e.g. to pair runs by step count
 * @param lr            peak learning rate (encoders)
 * @param lrHeads       peak learning rate of the projections and heads
 * @param minLr         learning rate at the end of the cosine
 * @param weightDecay   AdamW decoupled weight decay (biases, LayerNorm, embeddings tables and temp excluded)
 * @param warmupSteps   linear warm-up steps
 * @param gradClip      global gradient-norm clip (0: off)
 * @param objective     the losses (targets, alpha, matching, beta, lambda_mlm)
 * @param flip          probability of mirroring a training image
 * @param kTest         candidates re-ranked by the ITM head at evaluation (0: similarity only)
 * @param vocabSize     largest vocabulary built from the captions
 * @param seed          seed of initialisation, sampling, masks and negatives
 * @param evalBatch     images or captions per forward pass at evaluation
 * @param maxBadSteps   stop after this many NaN/Inf losses in a row
 */
public record TrainConfig(String preset, int p, int k, int epochs, int maxSteps, double lr, double lrHeads, double minLr,
                          double weightDecay, int warmupSteps, double gradClip, Objective objective, double flip, int kTest,
                          int vocabSize, long seed, int evalBatch, int maxBadSteps) {
    public TrainConfig {
        if (p < 2) throw new IllegalArgumentException("p (identities per batch) must be at least 2, got " + p);
        if (k < 2) throw new IllegalArgumentException("k (instances per identity) must be at least 2, got " + k);
        if (epochs < 1) throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
        if (maxSteps < 0) throw new IllegalArgumentException("max_steps must not be negative, got " + maxSteps);
        positive("lr", lr);
        positive("lr_heads", lrHeads);
        if (!(minLr >= 0 && minLr <= lr)) throw new IllegalArgumentException("min_lr must be in [0, lr], got " + minLr);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight_decay must be >= 0, got " + weightDecay);
        if (warmupSteps < 0) throw new IllegalArgumentException("warmup_steps must not be negative, got " + warmupSteps);
        if (!(gradClip >= 0)) throw new IllegalArgumentException("grad_clip must be >= 0, got " + gradClip);
        if (objective == null) throw new IllegalArgumentException("objective is missing");
        if (!(flip >= 0 && flip <= 1)) throw new IllegalArgumentException("flip must be in [0, 1], got " + flip);
        if (kTest < 0) throw new IllegalArgumentException("k_test must not be negative, got " + kTest);
        if (vocabSize < 16) throw new IllegalArgumentException("vocab_size must be at least 16, got " + vocabSize);
        if (evalBatch < 1) throw new IllegalArgumentException("eval_batch must be at least 1, got " + evalBatch);
        if (maxBadSteps < 1) throw new IllegalArgumentException("max_bad_steps must be at least 1, got " + maxBadSteps);
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(name + " must be positive, got " + v);
    }

    /** The main job's recipe. */
    public static TrainConfig defaults() {
        return new TrainConfig("tiny", 16, 4, 6, 0, 1e-3, 1e-3, 1e-5, 0.02, 100, 5.0, Objective.finetune(), 0.5, 32, 4096, 0,
                128, 20);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(preset, p, k, e, maxSteps, lr, lrHeads, minLr, weightDecay, warmupSteps, gradClip, objective, flip, kTest,
                vocabSize, seed, evalBatch, maxBadSteps);
    }

    public TrainConfig withMaxSteps(int s) {
        return new TrainConfig(preset, p, k, epochs, s, lr, lrHeads, minLr, weightDecay, warmupSteps, gradClip, objective, flip, kTest,
                vocabSize, seed, evalBatch, maxBadSteps);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(preset, p, k, epochs, maxSteps, lr, lrHeads, minLr, weightDecay, warmupSteps, gradClip, objective, flip,
                kTest, vocabSize, s, evalBatch, maxBadSteps);
    }

    public TrainConfig withObjective(Objective o) {
        return new TrainConfig(preset, p, k, epochs, maxSteps, lr, lrHeads, minLr, weightDecay, warmupSteps, gradClip, o, flip, kTest,
                vocabSize, seed, evalBatch, maxBadSteps);
    }

    public TrainConfig withBatch(int identities, int instances) {
        return new TrainConfig(preset, identities, instances, epochs, maxSteps, lr, lrHeads, minLr, weightDecay, warmupSteps, gradClip,
                objective, flip, kTest, vocabSize, seed, evalBatch, maxBadSteps);
    }

    public TrainConfig withKTest(int kt) {
        return new TrainConfig(preset, p, k, epochs, maxSteps, lr, lrHeads, minLr, weightDecay, warmupSteps, gradClip, objective, flip, kt,
                vocabSize, seed, evalBatch, maxBadSteps);
    }

    public TrainConfig withPreset(String name) {
        return new TrainConfig(name, p, k, epochs, maxSteps, lr, lrHeads, minLr, weightDecay, warmupSteps, gradClip, objective, flip, kTest,
                vocabSize, seed, evalBatch, maxBadSteps);
    }

    public TrainConfig withLr(double peak, double heads) {
        return new TrainConfig(preset, p, k, epochs, maxSteps, peak, heads, Math.min(minLr, peak), weightDecay, warmupSteps, gradClip,
                objective, flip, kTest, vocabSize, seed, evalBatch, maxBadSteps);
    }

    public TrainConfig withWarmup(int steps) {
        return new TrainConfig(preset, p, k, epochs, maxSteps, lr, lrHeads, minLr, weightDecay, steps, gradClip, objective, flip, kTest,
                vocabSize, seed, evalBatch, maxBadSteps);
    }

    /** A flat, ordered description for the run folder and the log. */
    public java.util.Map<String, Object> describe() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("preset", preset);
        m.put("p", p);
        m.put("k", k);
        m.put("epochs", epochs);
        m.put("max_steps", maxSteps);
        m.put("lr", lr);
        m.put("lr_heads", lrHeads);
        m.put("min_lr", minLr);
        m.put("weight_decay", weightDecay);
        m.put("warmup_steps", warmupSteps);
        m.put("grad_clip", gradClip);
        m.put("targets", objective.targets().name().toLowerCase(java.util.Locale.ROOT));
        m.put("alpha", objective.alpha());
        m.put("matching", objective.matching().name().toLowerCase(java.util.Locale.ROOT));
        m.put("mining", objective.miningMode().name().toLowerCase(java.util.Locale.ROOT));
        m.put("beta", objective.beta());
        m.put("lambda_mlm", objective.lambdaMlm());
        m.put("flip", flip);
        m.put("k_test", kTest);
        m.put("vocab_size", vocabSize);
        m.put("seed", seed);
        m.put("eval_batch", evalBatch);
        m.put("max_bad_steps", maxBadSteps);
        return m;
    }

    public static ContrastiveLoss.Targets targets(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "strict", "itc-strict" -> ContrastiveLoss.Targets.STRICT;
            case "id", "itc-id" -> ContrastiveLoss.Targets.ID;
            case "uncertainty", "uitc" -> ContrastiveLoss.Targets.UNCERTAINTY;
            default -> throw new IllegalArgumentException("targets must be strict, id or uncertainty, got '" + s + "'");
        };
    }

    public static MiningMode mining(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "topk" -> MiningMode.TOPK;
            case "sample" -> MiningMode.SAMPLE;
            default -> throw new IllegalArgumentException("mining must be topk or sample, got '" + s + "'");
        };
    }
}
