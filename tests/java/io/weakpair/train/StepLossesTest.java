package io.weakpair.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.backend.MiningMode;
import io.weakpair.loss.ContrastiveLoss;
import io.weakpair.loss.Temperature;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelConfig;
import io.weakpair.model.Recomputation;
import io.weakpair.optim.AdamW;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.TextBatch;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The training step's losses on the whole tiny model: every term present, and together they fall on a fixed batch. */
class StepLossesTest {
    static final int N = 8, L = 10, VOCAB = 60;

    /** 4 identities x 2 images; captions share a per-identity word so that matching is learnable. */
    static TextBatch captions() {
        SplittableRandom rng = new SplittableRandom(5);
        int[] ids = new int[N * L], mask = new int[N * L];
        for (int i = 0; i < N; i++) {
            int len = 6 + rng.nextInt(L - 5);
            for (int j = 0; j < len; j++) {
                ids[i * L + j] = j == 0 ? 2 : j == len - 1 ? 3 : j == 1 ? 10 + i / 2 : 20 + rng.nextInt(VOCAB - 20);
                mask[i * L + j] = 1;
            }
        }
        return new TextBatch(ids, mask, N, L, 0, 2, 4, VOCAB);
    }

    static final int[] LABELS = {0, 0, 1, 1, 2, 2, 3, 3};

    @Test
    void everyTermOfBothStagesIsComputed() {
        ModelConfig c = ModelConfig.preset("tiny").withVocabSize(VOCAB);
        try (AlbefModel m = new AlbefModel(c, 1, DType.F32, Device.CPU);
                Scope s = Scope.open()) {
            Tensor images = Tensor.randn(2, 1, DType.F32, Device.CPU, N, 3, c.imageHeight(), c.imageWidth());
            StepLosses ft = StepLosses.compute(m, images, captions(), LABELS, Objective.finetune(), 3);
            assertTrue(ft.itc() > 0 && ft.matching() > 0 && ft.mlm() > 0, ft.toString());
            // GITM: N strict + N weak (every identity has two members) + N + N mined negatives.
            assertEquals(4 * N, ft.pairs());
            assertEquals(ft.itc() + ft.matching() + ft.mlm(), ft.total().item(), 1e-4);
            StepLosses pre = StepLosses.compute(m, images, captions(), LABELS, Objective.pretrain(), 3);
            assertEquals(3 * N, pre.pairs());
            StepLosses itcOnly = StepLosses.compute(
                    m,
                    images,
                    captions(),
                    LABELS,
                    Objective.finetune()
                            .withMatching(Objective.Matching.NONE, MiningMode.TOPK)
                            .withLambdaMlm(0),
                    3);
            assertEquals(0, itcOnly.pairs());
            assertEquals(itcOnly.itc(), itcOnly.total().item(), 1e-6);
            assertEquals(ft.itc(), itcOnly.itc(), 1e-6, "the contrastive term does not depend on the matching loss");
        }
    }

    /**
     * Recomputing the layers' activations in backward gives the same step: identical losses (the
     * forward is the same), and gradients equal up to the order in which parameter gradients are
     * summed. Through the whole model: GITM's gathered pairs, MLM's second text pass, ITC.
     */
    @Test
    void recomputingActivationsGivesTheSameStep() {
        ModelConfig c = ModelConfig.preset("tiny").withVocabSize(VOCAB);
        java.util.Map<String, float[]> reference = null;
        double referenceLoss = 0;
        for (Recomputation.Mode mode : Recomputation.Mode.values()) {
            try (AlbefModel m = new AlbefModel(c, 1, DType.F32, Device.CPU);
                    Scope s = Scope.open()) {
                m.recomputation().setMode(mode);
                Tensor images = Tensor.randn(2, 1, DType.F32, Device.CPU, N, 3, c.imageHeight(), c.imageWidth());
                StepLosses l = StepLosses.compute(m, images, captions(), LABELS, Objective.finetune(), 3);
                Autograd.backward(l.total());
                java.util.Map<String, float[]> grads = new java.util.TreeMap<>();
                m.namedParameters()
                        .forEach((name, p) -> grads.put(
                                name, p.grad() == null ? null : p.grad().toFloatArray()));
                if (reference == null) {
                    reference = grads;
                    referenceLoss = l.total().item();
                    continue;
                }
                assertEquals(referenceLoss, l.total().item(), 0.0, mode + ": the forward is the same");
                for (var e : reference.entrySet()) {
                    float[] want = e.getValue(), got = grads.get(e.getKey());
                    if (want == null) {
                        assertNull(got, e.getKey());
                        continue;
                    }
                    double diff = 0, norm = 0;
                    for (int i = 0; i < want.length; i++) {
                        diff += (want[i] - got[i]) * (double) (want[i] - got[i]);
                        norm += want[i] * (double) want[i];
                    }
                    // Key biases have a true gradient of 0: compare them absolutely.
                    double bound = e.getKey().endsWith("key.bias") ? 1e-10 : 1e-10 * norm;
                    assertTrue(
                            diff <= bound,
                            mode + ": " + e.getKey() + " differs by " + Math.sqrt(diff) + " (norm " + Math.sqrt(norm)
                                    + ")");
                }
            }
        }
    }

    @Test
    void itcPlusItmPlusMlmFallsOnAFixedBatch() {
        ModelConfig c = ModelConfig.preset("tiny").withVocabSize(VOCAB);
        Objective objective = Objective.pretrain().withTargets(ContrastiveLoss.Targets.ID, 0);
        try (AlbefModel m = new AlbefModel(c, 1, DType.F32, Device.CPU);
                Tensor images =
                        Scope.detach(Tensor.randn(2, 1, DType.F32, Device.CPU, N, 3, c.imageHeight(), c.imageWidth()));
                AdamW opt = AdamW.withDecayExclusions(
                        m.namedParameters(), AdamW.Config.defaults().withLr(5e-4), null)) {
            double first = 0, last = 0;
            int steps = 40;
            for (int step = 0; step < steps; step++) {
                try (Scope s = Scope.open()) {
                    // The same masks and negatives every step: the batch is fixed, so the loss must fall.
                    StepLosses l = StepLosses.compute(m, images, captions(), LABELS, objective, 7);
                    Autograd.backward(l.total());
                    opt.step();
                    Temperature.clamp(m.temperature());
                    m.zeroGrad();
                    double v = l.total().item();
                    if (step < 3) first += v / 3;
                    if (step >= steps - 3) last += v / 3;
                }
            }
            System.out.printf(
                    "tiny model itc+itm+mlm on a fixed batch: %.4f -> %.4f over %d steps%n", first, last, steps);
            assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
        }
    }
}
