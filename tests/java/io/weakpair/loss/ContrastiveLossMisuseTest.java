package io.weakpair.loss;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.backend.MiningMode;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/** Misuse of the method's ops is an exception naming the op and the shapes, never a crash. */
@ExtendWith(ScopePerTest.class)
class ContrastiveLossMisuseTest {

    private static void rejects(String fragment, Executable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        assertTrue(
                e.getMessage() != null && e.getMessage().contains(fragment),
                "message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }

    private static Tensor feats(int n, int d) {
        return Tensor.randn(n, 1, DType.F32, Device.CPU, n, d);
    }

    private static Tensor tau(double v) {
        return Tensor.full(v, DType.F32, Device.CPU);
    }

    private static Tensor labels(int n) {
        long[] y = new long[n];
        for (int i = 0; i < n; i++) y[i] = i / 2;
        return Tensor.ofLongs(y, n);
    }

    @Test
    void featuresAndTemperature() {
        ContrastiveLoss.Options o = ContrastiveLoss.Options.uncertainty(0.6);
        rejects(
                "contrastive_loss: image features must have rank 2",
                () -> ContrastiveLoss.apply(Tensor.zeros(DType.F32, 8), feats(8, 4), tau(0.07), labels(8), o));
        rejects(
                "differ in dimension (4 != 5)",
                () -> ContrastiveLoss.apply(feats(8, 4), feats(8, 5), tau(0.07), labels(8), o));
        rejects(
                "dtypes differ",
                () -> ContrastiveLoss.apply(feats(8, 4), feats(8, 4).toDType(DType.F64), tau(0.07), labels(8), o));
        rejects(
                "expected a floating tensor",
                () -> ContrastiveLoss.apply(
                        Tensor.zeros(DType.I32, 8, 4), Tensor.zeros(DType.I32, 8, 4), tau(0.07), labels(8), o));
        rejects(
                "must be non-empty",
                () -> ContrastiveLoss.apply(Tensor.zeros(DType.F32, 0, 4), feats(8, 4), tau(0.07), labels(8), o));
        rejects(
                "temperature must be finite and > 0",
                () -> ContrastiveLoss.apply(feats(8, 4), feats(8, 4), tau(0), labels(8), o));
        rejects(
                "temperature must be finite and > 0",
                () -> ContrastiveLoss.apply(feats(8, 4), feats(8, 4), tau(Double.NaN), labels(8), o));
        rejects(
                "temperature must be a scalar",
                () -> ContrastiveLoss.apply(feats(8, 4), feats(8, 4), Tensor.zeros(DType.F32, 2), labels(8), o));
        Tensor closed = feats(8, 4);
        closed.close();
        rejects("is closed", () -> ContrastiveLoss.apply(closed, feats(8, 4), tau(0.07), labels(8), o));
        rejects("options are null", () -> ContrastiveLoss.apply(feats(8, 4), feats(8, 4), tau(0.07), labels(8), null));
    }

    @Test
    void labelsOptionsAndMining() {
        ContrastiveLoss.Options o = ContrastiveLoss.Options.uncertainty(0.6);
        rejects(
                "image labels must have shape [8]",
                () -> ContrastiveLoss.apply(feats(8, 4), feats(8, 4), tau(0.07), labels(7), o));
        rejects(
                "text labels must have shape [9]",
                () -> ContrastiveLoss.apply(feats(8, 4), feats(9, 4), tau(0.07), labels(8), labels(8), o));
        rejects(
                "must be I32 or I64",
                () -> ContrastiveLoss.apply(feats(8, 4), feats(8, 4), tau(0.07), Tensor.zeros(DType.F32, 8), o));
        rejects(
                "need identity labels",
                () -> ContrastiveLoss.apply(
                        feats(8, 4), feats(8, 4), tau(0.07), null, ContrastiveLoss.Options.itcId()));
        rejects("alpha must be in [0, 1]", () -> ContrastiveLoss.Options.uncertainty(1.2));
        rejects("alpha must be in [0, 1]", () -> ContrastiveLoss.Options.uncertainty(Double.NaN));
        rejects("unknown targets 'clip'", () -> ContrastiveLoss.Options.of("clip", 0.5));
        rejects("blockRows must be >= 0", () -> o.withBlockRows(-1));
        rejects(
                "mining needs a square batch",
                () -> ContrastiveLoss.apply(
                        feats(8, 4), feats(9, 4), tau(0.07), labels(8), labels(9), o.withMining(MiningMode.TOPK, 0)));
        rejects(
                "mining needs identity labels",
                () -> ContrastiveLoss.apply(
                        feats(8, 4),
                        feats(8, 4),
                        tau(0.07),
                        null,
                        ContrastiveLoss.Options.itcStrict().withMining(MiningMode.TOPK, 0)));
        rejects(
                "frozen c_i2t must have shape [8, 8]",
                () -> ContrastiveLoss.apply(
                        feats(8, 4),
                        feats(8, 4),
                        tau(0.07),
                        labels(8),
                        o.withFrozenConfidence(Tensor.zeros(DType.F32, 8, 9), Tensor.zeros(DType.F32, 8, 8))));
        rejects(
                "give both frozen confidences or neither",
                () -> o.withFrozenConfidence(Tensor.zeros(DType.F32, 8, 8), null));
        // STRICT needs no labels at all.
        ContrastiveLoss.apply(feats(8, 4), feats(8, 4), tau(0.07), null, ContrastiveLoss.Options.itcStrict())
                .close();
    }

    @Test
    void logitsOps() {
        rejects(
                "uncertainty: logits must have rank 2",
                () -> Uncertainty.confidence(Tensor.zeros(DType.F32, 4), labels(4), labels(4)));
        rejects(
                "give labels for both rows and columns",
                () -> Uncertainty.confidence(Tensor.zeros(DType.F32, 4, 4), labels(4), null));
        rejects(
                "column labels must have shape [5]",
                () -> Uncertainty.confidence(Tensor.zeros(DType.F32, 4, 5), labels(4), labels(4)));
        rejects(
                "mining: mining needs square logits",
                () -> NegativeMining.mine(Tensor.zeros(DType.F32, 4, 5), labels(4), MiningMode.TOPK, 0));
        rejects(
                "mining needs identity labels",
                () -> NegativeMining.mine(Tensor.zeros(DType.F32, 4, 4), null, MiningMode.TOPK, 0));
        rejects("mining mode is null", () -> NegativeMining.mine(Tensor.zeros(DType.F32, 4, 4), labels(4), null, 0));
        rejects(
                "labels must have shape [4]",
                () -> NegativeMining.mine(Tensor.zeros(DType.F32, 4, 4), labels(3), MiningMode.SAMPLE, 0));
        rejects(
                "row labels must have shape [4]",
                () -> ContrastiveLoss.fromLogits(
                        Tensor.zeros(DType.F32, 4, 4), labels(3), labels(4), ContrastiveLoss.Options.itcId()));
        rejects(
                "similarity: image features must have rank 2",
                () -> Similarity.logits(Tensor.zeros(DType.F32, 3), feats(3, 2), tau(1)));
        rejects(
                "similarity: the temperature must be finite and > 0",
                () -> Similarity.logits(feats(3, 2), feats(3, 2), tau(-1)));
    }

    @Test
    void temperatureParameterClamps() {
        try (Temperature t = new Temperature()) {
            assertTrue(Math.abs(t.value() - 0.07) < 1e-7);
            assertTrue(t.tensor().requiresGrad());
            t.tensor().backend().fill(t.tensor(), 0.9);
            t.clampHook().run();
            assertTrue(Math.abs(t.value() - Temperature.MAX) < 1e-7, "clamped to the maximum: " + t.value());
            t.tensor().backend().fill(t.tensor(), -3);
            t.clamp();
            assertTrue(Math.abs(t.value() - Temperature.MIN) < 1e-9, "clamped to the minimum: " + t.value());
            t.tensor().backend().fill(t.tensor(), 0.2);
            t.clamp();
            assertTrue(Math.abs(t.value() - 0.2) < 1e-7, "left alone inside the range: " + t.value());
            t.tensor().backend().fill(t.tensor(), Double.NaN);
            rejects("the temperature is NaN", t::clamp);
        }
        rejects("outside [0.001, 0.5]", () -> new Temperature(0.7, DType.F32, Device.CPU));
        rejects("is not a scalar", () -> Temperature.clamp(Tensor.zeros(DType.F32, 2)));
    }
}
