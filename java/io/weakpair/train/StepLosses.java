package io.weakpair.train;

import io.weakpair.autograd.GradMode;
import io.weakpair.loss.ContrastiveLoss;
import io.weakpair.loss.NegativeMining;
import io.weakpair.loss.Similarity;
import io.weakpair.model.AlbefModel;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.TextBatch;
import java.util.SplittableRandom;

/**
 * The forward pass of one training step: encode the batch's images and captions, the
 * contrastive loss on their projections, the matching loss on the fusion encoder's pairs,
 * and MLM on a masked copy of the captions (docs/method.md sections 3-5). Everything is
 * created in the caller's scope; {@link #total} is what backward starts from.
 *
 * @param total    itc + beta * matching + lambda * mlm (differentiable scalar)
 * @param itc      the contrastive loss value
 * @param matching the ITM or GITM loss value (0 when off)
 * @param mlm      the MLM loss value (0 when off)
 * @param pairs    how many (image, text) pairs the fusion encoder scored for matching
 */
public record StepLosses(Tensor total, double itc, double matching, double mlm, int pairs) {

    /**
     * images [N, 3, H, W] on the model's device, text the N captions (caption i written for
     * image i), labels the N identities; seed drives ITM sampling, GITM's sample mode and MLM masking.
     */
    public static StepLosses compute(
            AlbefModel model, Tensor images, TextBatch text, int[] labels, Objective objective, long seed) {
        return compute(model, images, text, labels, objective, seed, null);
    }

    /** The same, also recording the step's draws and head outputs into {@code trace} when it is not null. */
    public static StepLosses compute(
            AlbefModel model,
            Tensor images,
            TextBatch text,
            int[] labels,
            Objective objective,
            long seed,
            StepTrace trace) {
        int n = labels.length;
        if (images.dim(0) != n || text.rows() != n)
            throw new IllegalArgumentException("training step: " + images.dim(0) + " images, " + text.rows()
                    + " captions and " + n + " labels must agree");
        // One stream for the step's draws, in a fixed order: ITM's negatives, then MLM's masks.
        SplittableRandom rng = new SplittableRandom(seed);
        Encoded batch = Encoded.of(model, images, text, labels);
        ContrastiveLoss.Result itc = contrastive(model, batch, objective, seed, trace);
        Tensor total = itc.loss();
        Matching matching = matching(model, batch, text, itc, objective, rng, trace);
        if (matching != null) total = F.add(total, F.scale(matching.loss(), objective.beta()));
        Mlm mlm = mlm(model, batch, text, objective, rng, trace);
        if (mlm != null) total = F.add(total, F.scale(mlm.loss(), objective.lambdaMlm()));
        return new StepLosses(
                total,
                itc.loss().item(),
                matching == null ? 0 : matching.value(),
                mlm == null ? 0 : mlm.value(),
                matching == null ? 0 : matching.pairs());
    }

    /** The batch on the model's device, encoded once: what every loss reads. */
    record Encoded(
            Tensor ids,
            Tensor mask,
            int[] labels,
            Tensor labelTensor,
            Tensor imageTokens,
            Tensor textHidden,
            Tensor imageProj,
            Tensor textProj) {
        static Encoded of(AlbefModel model, Tensor images, TextBatch text, int[] labels) {
            Device dev = model.device();
            int n = labels.length;
            Tensor ids = Tensor.ofInts(text.ids(), n, text.length()).to(dev);
            Tensor mask = Tensor.ofInts(text.mask(), n, text.length()).to(dev);
            Tensor labelTensor = Tensor.ofInts(labels, n).to(dev);
            Tensor imageTokens = model.encodeImages(images);
            Tensor textHidden = model.encodeText(ids, mask);
            return new Encoded(
                    ids,
                    mask,
                    labels,
                    labelTensor,
                    imageTokens,
                    textHidden,
                    model.imageProjection(imageTokens),
                    model.textProjection(textHidden));
        }

        int size() {
            return labels.length;
        }
    }

    /** A matching loss (ITM or GITM), its value and how many pairs the fusion encoder scored. */
    record Matching(Tensor loss, double value, int pairs) {}

    /** The MLM loss and its value. */
    record Mlm(Tensor loss, double value) {}

    /** The contrastive loss on the projections (uITC, itc-id or itc-strict, as the objective says); it also mines GITM's pairs. */
    static ContrastiveLoss.Result contrastive(
            AlbefModel model, Encoded batch, Objective objective, long seed, StepTrace trace) {
        ContrastiveLoss.Result itc = ContrastiveLoss.apply(
                batch.imageProj(),
                batch.textProj(),
                model.temperature(),
                batch.labelTensor(),
                objective.contrastiveOptions(seed));
        if (trace != null) trace.projections(batch.imageProj(), batch.textProj());
        return itc;
    }

    /** The matching loss on the fusion encoder's pairs (GITM's mined ones, or ITM's sampled ones); null when matching is off. */
    static Matching matching(
            AlbefModel model,
            Encoded batch,
            TextBatch text,
            ContrastiveLoss.Result itc,
            Objective objective,
            SplittableRandom rng,
            StepTrace trace) {
        if (objective.matching() == Objective.Matching.NONE || !(objective.beta() > 0)) return null;
        Device dev = model.device();
        int n = batch.size();
        MatchPairs mp = objective.matching() == Objective.Matching.GITM
                ? MatchPairs.gitm(itc.mined(), n)
                : MatchPairs.itm(sampleItm(model, batch.imageProj(), batch.textProj(), batch.labels(), rng), n);
        Tensor imgIdx = Tensor.ofInts(mp.images(), mp.size()).to(dev),
                txtIdx = Tensor.ofInts(mp.texts(), mp.size()).to(dev);
        Tensor fused = model.fuse(
                AlbefModel.gatherRows(batch.textHidden(), txtIdx),
                text.maskRows(mp.texts()).to(dev),
                AlbefModel.gatherRows(batch.imageTokens(), imgIdx));
        Tensor itmLogits = model.itmLogits(fused);
        Tensor loss =
                F.crossEntropy(itmLogits, Tensor.ofInts(mp.labels(), mp.size()).to(dev), -100);
        if (trace != null) trace.matching(itmLogits, mp.images(), mp.texts(), mp.labels());
        return new Matching(loss, loss.item(), mp.size());
    }

    /** MLM on a masked copy of the captions, fused with the images; null when off or when the draw masked nothing. */
    static Mlm mlm(
            AlbefModel model,
            Encoded batch,
            TextBatch text,
            Objective objective,
            SplittableRandom rng,
            StepTrace trace) {
        if (!(objective.lambdaMlm() > 0)) return null;
        MlmMasking m = MlmMasking.draw(
                text.ids(), text.mask(), text.padId(), text.clsId(), text.maskId(), text.vocabSize(), rng);
        if (m.count() == 0) return null;
        Device dev = model.device();
        int n = batch.size();
        Tensor masked = Tensor.ofInts(m.ids(), n, text.length()).to(dev);
        Tensor fused = model.fuse(model.encodeText(masked, batch.mask()), batch.mask(), batch.imageTokens());
        int w = fused.dim(2);
        // Only the chosen positions go through the vocabulary-wide decoder.
        Tensor picked = AlbefModel.gatherRows(
                F.reshape(fused, n * text.length(), w),
                Tensor.ofInts(m.positions(), m.count()).to(dev));
        Tensor mlmLogits = model.mlmLogits(picked);
        Tensor loss =
                F.crossEntropy(mlmLogits, Tensor.ofInts(m.targets(), m.count()).to(dev), -100);
        if (trace != null) trace.mlm(mlmLogits, m.ids(), m.positions(), m.targets());
        return new Mlm(loss, loss.item());
    }

    private static int[][] sampleItm(
            AlbefModel model, Tensor imageProj, Tensor textProj, int[] labels, SplittableRandom rng) {
        float[] logits;
        try (GradMode off = GradMode.off()) {
            logits = Similarity.logits(imageProj, textProj, model.temperature())
                    .toDType(DType.F32)
                    .toFloatArray();
        }
        return ItmSampling.sample(logits, labels, rng);
    }

    /** The (image, text, label) triples the fusion encoder scores. */
    record MatchPairs(int[] images, int[] texts, int[] labels) {
        int size() {
            return images.length;
        }

        /** ALBEF's ITM: N positives (i, i), then per image a sampled negative text and per text a sampled negative image. */
        static MatchPairs itm(int[][] negatives, int n) {
            Builder b = new Builder(3 * n);
            for (int i = 0; i < n; i++) b.add(i, i, 1);
            for (int i = 0; i < n; i++) if (negatives[0][i] >= 0) b.add(i, negatives[0][i], 0);
            for (int j = 0; j < n; j++) if (negatives[1][j] >= 0) b.add(negatives[1][j], j, 0);
            return b.build();
        }

        /** GITM (docs/method.md section 4): strict and weak pairs match; the group-wise mined negatives do not. */
        static MatchPairs gitm(NegativeMining.MinedPairs mined, int n) {
            int[] negText = mined.hardNegText().toIntArray(),
                    negImage = mined.hardNegImage().toIntArray();
            int[] weak = mined.weakPosText().toIntArray();
            Builder b = new Builder(4 * n);
            for (int i = 0; i < n; i++) b.add(i, i, 1);
            for (int i = 0; i < n; i++) if (weak[i] >= 0) b.add(i, weak[i], 1);
            for (int i = 0; i < n; i++) if (negText[i] >= 0) b.add(i, negText[i], 0);
            for (int j = 0; j < n; j++) if (negImage[j] >= 0) b.add(negImage[j], j, 0);
            return b.build();
        }

        private static final class Builder {
            final int[] img, txt, lab;
            int size;

            Builder(int capacity) {
                img = new int[capacity];
                txt = new int[capacity];
                lab = new int[capacity];
            }

            void add(int image, int text, int label) {
                img[size] = image;
                txt[size] = text;
                lab[size++] = label;
            }

            MatchPairs build() {
                return new MatchPairs(
                        java.util.Arrays.copyOf(img, size),
                        java.util.Arrays.copyOf(txt, size),
                        java.util.Arrays.copyOf(lab, size));
            }
        }
    }
}
