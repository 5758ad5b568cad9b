package io.weakpair.loss;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.autograd.Node;
import io.weakpair.backend.Backend;
import io.weakpair.backend.MiningMode;
import io.weakpair.backend.UnaryOp;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;

/**
 * The uncertainty-aware contrastive loss uITC of docs/method.md (sections 1-3) and its baselines,
 * as one autograd node over the image features, the text features and the temperature:
 *
 * <pre>
 * try (Scope step = Scope.open()) {
 *     ContrastiveLoss.Result r = ContrastiveLoss.apply(imageFeat, textFeat, temperature.tensor(), labels,
 *             ContrastiveLoss.Options.uncertainty(0.6).withMining(MiningMode.TOPK, seed));
 *     Autograd.backward(r.loss());            // plus the other terms of the objective
 *     ... r.mined().hardNegText() ...         // pairs for GITM
 * }
 * </pre>
 *
 * <p>One fused kernel computes the loss and its gradients in one call, in two ways with the
 * same numbers: MATERIALISED computes S (N_r x N_c) once and keeps it for the gradient pass;
 * TILED never stores S (memory O((N_r + N_c) D)) and recomputes it block by block, one GEMM
 * more. AUTO picks MATERIALISED up to {@link #MATERIALISED_MAX_LOGITS} logits. When a
 * gradient is needed the forward computes it too (the backward only scales it), so no N x N
 * state outlives the call.
 */
public final class ContrastiveLoss {
    private ContrastiveLoss() {}

    /**
     * AUTO takes the materialised path (S kept whole between the loss and gradient passes) when
     * N_r * N_c is at most this, and the tiled one (S recomputed) above. Measured with
     * bench/java/io/weakpair/bench/ContrastivePathsMain.java (F32, D = 256, 2 threads, N = 256 to
     * 8192): keeping S was 10-25% faster at every size (one GEMM fewer beats the cache misses of
     * an N x N buffer), so there is no speed crossover; the threshold caps the extra memory of
     * the materialised path at 2^24 logits (64 MiB in F32, N = 4096 square).
     */
    public static final long MATERIALISED_MAX_LOGITS = 1L << 24;

    /** What the loss pulls together (docs/method.md sections 2-3). */
    public enum Targets {
        /** itc-strict: text i is the only positive of image i (CLIP-style identity targets). */
        STRICT,
        /** itc-id: uniform targets over all same-identity pairs (alpha = 0). */
        ID,
        /** uITC: targets (1 - alpha) uniform + alpha confidence-weighted. */
        UNCERTAINTY
    }

    public enum Path {
        AUTO,
        MATERIALISED,
        TILED
    }

    /** Group-wise mining for GITM (docs/method.md section 4), on the square batch. */
    public record Mining(MiningMode mode, long seed) {}

    /**
     * Options of the loss. {@code alpha} is used by UNCERTAINTY only; {@code blockRows} (TILED;
     * 0 = automatic) sets the rows of S computed at a time; {@code mining} null = no mining;
     * {@code frozenConfI2t/T2i} [N_r, N_c] replace the confidence computed from S (e.g. c held
     * at the values of another forward: how the gradient is checked against finite differences).
     */
    public record Options(
            Targets targets,
            double alpha,
            Path path,
            int blockRows,
            Mining mining,
            Tensor frozenConfI2t,
            Tensor frozenConfT2i) {
        public Options {
            if (targets == null || path == null)
                throw new IllegalArgumentException("contrastive_loss: targets and path must be set");
            if (targets == Targets.UNCERTAINTY) LossChecks.alpha("contrastive_loss", alpha);
            if (blockRows < 0)
                throw new IllegalArgumentException("contrastive_loss: blockRows must be >= 0, got " + blockRows);
            if ((frozenConfI2t == null) != (frozenConfT2i == null))
                throw new IllegalArgumentException("contrastive_loss: give both frozen confidences or neither");
        }

        /** uITC with uncertainty weight alpha in [0, 1] (docs/method.md section 2: default 0.6). */
        public static Options uncertainty(double alpha) {
            return new Options(Targets.UNCERTAINTY, alpha, Path.AUTO, 0, null, null, null);
        }

        /** The itc-id baseline (alpha = 0). */
        public static Options itcId() {
            return new Options(Targets.ID, 0, Path.AUTO, 0, null, null, null);
        }

        /** The itc-strict baseline (identity targets). */
        public static Options itcStrict() {
            return new Options(Targets.STRICT, 0, Path.AUTO, 0, null, null, null);
        }

        /** Parses {@code strict}, {@code id} or {@code uncertainty} (with alpha). */
        public static Options of(String targets, double alpha) {
            return switch (targets.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "strict", "itc-strict" -> itcStrict();
                case "id", "itc-id" -> itcId();
                case "uncertainty", "uitc" -> uncertainty(alpha);
                default ->
                    throw new IllegalArgumentException(
                            "contrastive_loss: unknown targets '" + targets + "' (expected strict, id or uncertainty)");
            };
        }

        public Options withPath(Path p) {
            return new Options(targets, alpha, p, blockRows, mining, frozenConfI2t, frozenConfT2i);
        }

        public Options withBlockRows(int rows) {
            return new Options(targets, alpha, path, rows, mining, frozenConfI2t, frozenConfT2i);
        }

        public Options withMining(MiningMode mode, long seed) {
            return new Options(targets, alpha, path, blockRows, new Mining(mode, seed), frozenConfI2t, frozenConfT2i);
        }

        public Options withFrozenConfidence(Tensor i2t, Tensor t2i) {
            return new Options(targets, alpha, path, blockRows, mining, i2t, t2i);
        }

        /** The alpha the kernels see: 0 unless the targets are UNCERTAINTY. */
        public double effectiveAlpha() {
            return targets == Targets.UNCERTAINTY ? alpha : 0;
        }
    }

    /**
     * The loss (scalar, differentiable), its two directions (scalars, no gradient) and, when
     * mining was asked for, the mined pairs. Closing releases all of them.
     */
    public record Result(Tensor loss, Tensor lossI2t, Tensor lossT2i, NegativeMining.MinedPairs mined)
            implements AutoCloseable {
        @Override
        public void close() {
            loss.close();
            lossI2t.close();
            lossT2i.close();
            if (mined != null) mined.close();
        }
    }

    /** The loss of a square batch: image i and text i share labels[i]. */
    public static Result apply(
            Tensor imageFeatures, Tensor textFeatures, Tensor temperature, Tensor labels, Options options) {
        return apply(imageFeatures, textFeatures, temperature, labels, labels, options);
    }

    /**
     * The loss of image features [N_r, D] against text features [N_c, D] (N_c > N_r when a
     * queue adds columns) with a scalar temperature and the identity labels of both sides (null
     * allowed for STRICT targets). Mining needs N_r == N_c and uses imageLabels.
     */
    public static Result apply(
            Tensor imageFeatures,
            Tensor textFeatures,
            Tensor temperature,
            Tensor imageLabels,
            Tensor textLabels,
            Options options) {
        final String op = "contrastive_loss";
        if (options == null) throw new IllegalArgumentException(op + ": options are null");
        LossChecks.features(op, imageFeatures, textFeatures);
        double tau = LossChecks.temperature(op, temperature, imageFeatures);
        int nr = imageFeatures.dim(0), nc = textFeatures.dim(0), d = imageFeatures.dim(1);
        LossChecks.matrix(op, options.frozenConfI2t(), nr, nc, imageFeatures, "frozen c_i2t");
        LossChecks.matrix(op, options.frozenConfT2i(), nr, nc, imageFeatures, "frozen c_t2i");
        boolean useLabels = options.targets() != Targets.STRICT;
        if (useLabels && (imageLabels == null || textLabels == null))
            throw new IllegalArgumentException(
                    op + ": targets " + options.targets() + " need identity labels for images and texts");
        if (options.mining() != null) {
            if (nr != nc)
                throw new IllegalArgumentException(op + ": mining needs a square batch, got " + imageFeatures.describe()
                        + " and " + textFeatures.describe());
            if (imageLabels == null) throw new IllegalArgumentException(op + ": mining needs identity labels");
        }
        Path path = options.path() != Path.AUTO
                ? options.path()
                : (long) nr * nc <= MATERIALISED_MAX_LOGITS ? Path.MATERIALISED : Path.TILED;

        boolean recording = GradMode.isEnabled();
        boolean gImage = recording && imageFeatures.requiresGrad();
        boolean gText = recording && textFeatures.requiresGrad();
        boolean gTau = recording && temperature.requiresGrad();
        DType dt = imageFeatures.dtype();
        Backend be = imageFeatures.backend();

        Tensor f = imageFeatures.contiguous(), g = textFeatures.contiguous();
        Tensor rl = useLabels ? LossChecks.labels(op, imageLabels, nr, f, "image labels") : null;
        Tensor cl = useLabels ? LossChecks.labels(op, textLabels, nc, f, "text labels") : null;
        Tensor ci =
                options.frozenConfI2t() == null ? null : options.frozenConfI2t().contiguous();
        Tensor ct =
                options.frozenConfT2i() == null ? null : options.frozenConfT2i().contiguous();
        double alpha = options.effectiveAlpha();
        Tensor losses = Tensor.empty(dt, f.device(), 3);
        Tensor gradF = gImage ? Tensor.empty(dt, f.device(), nr, d) : null;
        Tensor gradG = gText ? Tensor.empty(dt, f.device(), nc, d) : null;
        Tensor gradT = gTau ? Tensor.empty(dt, f.device(), temperature.shape()) : null;
        Tensor logits = null;
        NegativeMining.MinedPairs mined = null;
        try {
            be.contrastiveFused(
                    f,
                    g,
                    tau,
                    rl,
                    cl,
                    alpha,
                    ci,
                    ct,
                    path == Path.MATERIALISED,
                    options.blockRows(),
                    losses,
                    gradF,
                    gradG,
                    gradT);
            if (options.mining() != null) {
                logits = similarity(be, f, g, tau);
                mined = NegativeMining.mine(
                        logits,
                        imageLabels,
                        options.mining().mode(),
                        options.mining().seed());
            }
        } catch (RuntimeException e) {
            closeAll(losses, gradF, gradG, gradT);
            throw e;
        } finally {
            closeAll(f, g, rl, cl, ci, ct, logits);
        }

        Tensor loss = losses.view(new int[0], new long[0], losses.offset());
        Tensor lossI2t = losses.view(new int[0], new long[0], losses.offset() + 1);
        Tensor lossT2i = losses.view(new int[0], new long[0], losses.offset() + 2);
        losses.close();
        if (gImage || gText || gTau)
            Autograd.record(
                    new SavedGradientNode(op, imageFeatures, textFeatures, temperature, gradF, gradG, gradT), loss);
        return new Result(loss, lossI2t, lossT2i, mined);
    }

    /**
     * The loss on given logits S [N_r, N_c] (the materialised kernel), differentiable in S. The
     * path and mining options are ignored (use {@link NegativeMining} on S).
     */
    public static Result fromLogits(Tensor logits, Tensor rowLabels, Tensor colLabels, Options options) {
        final String op = "contrastive_loss";
        if (options == null) throw new IllegalArgumentException(op + ": options are null");
        LossChecks.logits(op, logits);
        int nr = logits.dim(0), nc = logits.dim(1);
        LossChecks.matrix(op, options.frozenConfI2t(), nr, nc, logits, "frozen c_i2t");
        LossChecks.matrix(op, options.frozenConfT2i(), nr, nc, logits, "frozen c_t2i");
        boolean useLabels = options.targets() != Targets.STRICT;
        if (useLabels && (rowLabels == null || colLabels == null))
            throw new IllegalArgumentException(op + ": targets " + options.targets() + " need row and column labels");
        boolean grad = GradMode.isEnabled() && logits.requiresGrad();
        Tensor s = logits.contiguous();
        Tensor rl = useLabels ? LossChecks.labels(op, rowLabels, nr, s, "row labels") : null;
        Tensor cl = useLabels ? LossChecks.labels(op, colLabels, nc, s, "column labels") : null;
        Tensor ci =
                options.frozenConfI2t() == null ? null : options.frozenConfI2t().contiguous();
        Tensor ct =
                options.frozenConfT2i() == null ? null : options.frozenConfT2i().contiguous();
        Tensor losses = Tensor.empty(s.dtype(), s.device(), 3);
        Tensor dS = grad ? Tensor.empty(s.dtype(), s.device(), nr, nc) : null;
        try {
            s.backend().contrastiveLogits(s, rl, cl, options.effectiveAlpha(), ci, ct, losses, dS);
        } catch (RuntimeException e) {
            closeAll(losses, dS);
            throw e;
        } finally {
            closeAll(s, rl, cl, ci, ct);
        }
        Tensor loss = losses.view(new int[0], new long[0], losses.offset());
        Tensor lossI2t = losses.view(new int[0], new long[0], losses.offset() + 1);
        Tensor lossT2i = losses.view(new int[0], new long[0], losses.offset() + 2);
        losses.close();
        if (grad) Autograd.record(new SavedGradientNode(op, logits, null, null, dS, null, null), loss);
        return new Result(loss, lossI2t, lossT2i, null);
    }

    /** S through the similarity kernel (for mining). */
    private static Tensor similarity(Backend be, Tensor f, Tensor g, double tau) {
        int nr = f.dim(0), nc = g.dim(0), d = f.dim(1);
        Tensor ur = Tensor.empty(f.dtype(), f.device(), nr, d), uc = Tensor.empty(f.dtype(), f.device(), nc, d);
        Tensor nrm = Tensor.empty(f.dtype(), f.device(), nr), ncm = Tensor.empty(f.dtype(), f.device(), nc);
        Tensor s = Tensor.empty(f.dtype(), f.device(), nr, nc);
        try {
            be.similarityForward(f, g, tau, ur, uc, nrm, ncm, s);
        } finally {
            closeAll(ur, uc, nrm, ncm);
        }
        return s;
    }

    private static void closeAll(Tensor... ts) {
        for (Tensor t : ts) if (t != null) t.close();
    }

    /**
     * The loss node: its forward already computed d(loss)/d(input) for every input that needs
     * one (O(N D) memory, no N x N state); the backward scales them by the incoming gradient.
     * The node owns those saved gradients; with a unit incoming gradient and a graph that is
     * not retained it hands them over instead of copying.
     */
    private static final class SavedGradientNode extends Node {
        private final Tensor[] grads;

        SavedGradientNode(String op, Tensor a, Tensor b, Tensor c, Tensor ga, Tensor gb, Tensor gc) {
            super(op, a, b, c);
            this.grads = new Tensor[] {ga, gb, gc};
            saving(ga, gb, gc);
        }

        @Override
        protected Tensor[] backward(Tensor gradOutput) {
            if (!gradOutput.device().isCpu()) return scaledOnDevice(gradOutput);
            double scale = gradOutput.item();
            Tensor[] out = new Tensor[grads.length];
            for (int i = 0; i < grads.length; i++) {
                Tensor saved = grads[i];
                if (saved == null || !needsGrad(i)) continue;
                if (scale == 1.0 && !retainsGraph()) {
                    out[i] = takeSaved(saved); // handed over: autograd closes it once consumed
                    grads[i] = null;
                } else {
                    out[i] = Tensor.empty(saved.dtype(), saved.device(), saved.shape());
                    saved.backend().unary(UnaryOp.AFFINE, saved, out[i], scale, 0);
                }
            }
            return out;
        }

        /**
         * On a device the upstream gradient is multiplied in there (broadcast), not read back:
         * reading it would make the host wait for the whole forward pass once per backward.
         */
        private Tensor[] scaledOnDevice(Tensor gradOutput) {
            Tensor[] out = new Tensor[grads.length];
            for (int i = 0; i < grads.length; i++) {
                Tensor saved = grads[i];
                if (saved == null || !needsGrad(i)) continue;
                out[i] = Tensor.empty(saved.dtype(), saved.device(), saved.shape());
                try (Tensor g = gradOutput.view(
                        saved.shape(),
                        io.weakpair.tensor.Shapes.broadcastStrides(
                                gradOutput.shape(), gradOutput.strides(), saved.shape()),
                        gradOutput.offset())) {
                    saved.backend().binary(io.weakpair.backend.BinaryOp.MUL, saved, g, out[i]);
                }
            }
            return out;
        }
    }
}
