package io.weakpair.train;

import io.weakpair.backend.MiningMode;
import io.weakpair.loss.ContrastiveLoss;
import java.util.Locale;

/**
 * Which losses a training step adds up (docs/method.md section 5): the contrastive targets
 * (strict, identity, or uncertainty-aware with alpha), the matching loss (none, ALBEF's ITM
 * with one sampled negative per image and per text, or GITM with group-wise mined negatives
 * and weak positives) weighed by beta, and masked language modelling weighed by lambdaMlm.
 */
public record Objective(
        ContrastiveLoss.Targets targets,
        double alpha,
        Matching matching,
        MiningMode miningMode,
        double beta,
        double lambdaMlm) {
    public enum Matching {
        NONE,
        ITM,
        GITM
    }

    public Objective {
        if (targets == null) throw new IllegalArgumentException("objective: contrastive targets are null");
        if (matching == null) throw new IllegalArgumentException("objective: matching is null");
        if (!(alpha >= 0 && alpha <= 1))
            throw new IllegalArgumentException("objective: alpha must be in [0, 1], got " + alpha);
        if (!(beta >= 0) || Double.isInfinite(beta))
            throw new IllegalArgumentException("objective: beta must be >= 0, got " + beta);
        if (!(lambdaMlm >= 0) || Double.isInfinite(lambdaMlm))
            throw new IllegalArgumentException("objective: lambda_mlm must be >= 0, got " + lambdaMlm);
        if (miningMode == null) miningMode = MiningMode.TOPK;
    }

    /**
     * The fine-tune stage, the method's defaults: L_uitc(alpha) + beta L_gitm + lambda L_mlm,
     * with alpha, beta, lambda and the mining as {@link ConfigKey}'s table has them.
     */
    public static Objective finetune() {
        return TrainConfig.defaults().objective();
    }

    /** The pre-training stage: L_itc-id + L_itm + lambda L_mlm (lambda as in {@link ConfigKey}'s table). */
    public static Objective pretrain() {
        return new Objective(ContrastiveLoss.Targets.ID, 0, Matching.ITM, MiningMode.TOPK, 1.0, (Double)
                ConfigKey.LAMBDA_MLM.defaultValue());
    }

    public Objective withTargets(ContrastiveLoss.Targets t, double a) {
        return new Objective(t, a, matching, miningMode, beta, lambdaMlm);
    }

    public Objective withMatching(Matching m, MiningMode mode) {
        return new Objective(targets, alpha, m, mode, beta, lambdaMlm);
    }

    public Objective withBeta(double b) {
        return new Objective(targets, alpha, matching, miningMode, b, lambdaMlm);
    }

    public Objective withLambdaMlm(double l) {
        return new Objective(targets, alpha, matching, miningMode, beta, l);
    }

    /** The contrastive loss's options (mining asked for only when GITM needs the pairs). */
    ContrastiveLoss.Options contrastiveOptions(long seed) {
        ContrastiveLoss.Options o =
                switch (targets) {
                    case STRICT -> ContrastiveLoss.Options.itcStrict();
                    case ID -> ContrastiveLoss.Options.itcId();
                    case UNCERTAINTY -> ContrastiveLoss.Options.uncertainty(alpha);
                };
        return matching == Matching.GITM ? o.withMining(miningMode, seed) : o;
    }

    /** A short name for logs and reports, e.g. "uitc(0.6)+gitm(topk)+mlm". */
    public String describe() {
        String itc =
                switch (targets) {
                    case STRICT -> "itc-strict";
                    case ID -> "itc-id";
                    case UNCERTAINTY -> String.format(Locale.ROOT, "uitc(%s)", alpha);
                };
        String m =
                switch (matching) {
                    case NONE -> "";
                    case ITM -> "+itm";
                    case GITM -> "+gitm(" + miningMode.name().toLowerCase(Locale.ROOT) + ")";
                };
        return itc + m + (lambdaMlm > 0 ? "+mlm" : "");
    }
}
