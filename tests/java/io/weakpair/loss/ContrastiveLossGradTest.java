package io.weakpair.loss;

import static io.weakpair.loss.ContrastiveLoss.Path.MATERIALISED;
import static io.weakpair.loss.ContrastiveLoss.Path.TILED;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.GradCheck;
import io.weakpair.testing.ScopePerTest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradients of every method kernel against float64 central differences (GradCheck) for the
 * image features F, the text features G and the temperature tau: the similarity kernel, the
 * loss on logits, and the whole loss on both paths, in the three target modes, square and
 * rectangular, with several identities per batch (singletons included).
 *
 * <p>The uITC confidence c is a stop-gradient constant: finite differences of the loss would
 * differentiate through it, so the checked function holds c frozen at the values of the
 * unperturbed inputs (Options.withFrozenConfidence). A separate test shows that at that point
 * the gradient with c computed inside equals the one with c frozen.
 */
@ExtendWith(ScopePerTest.class)
class ContrastiveLossGradTest {

    // Square: 9 pairs in 4 identities (one singleton). Rectangular: 7 images against 11 texts,
    // with one image identity absent from the texts and queued texts of other identities.
    private static final long[] SQUARE = {3, 8, 3, 5, 8, 3, 9, 5, 8};
    private static final long[] RECT_ROWS = {3, 8, 3, 5, 8, 4, 9};
    private static final long[] RECT_COLS = {3, 8, 3, 5, 8, 6, 9, 3, 7, 5, 7};

    static Stream<Arguments> modes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String targets : new String[] {"strict", "id", "uncertainty"})
            for (boolean rect : new boolean[] {false, true})
                for (ContrastiveLoss.Path path : new ContrastiveLoss.Path[] {MATERIALISED, TILED})
                    b.add(Arguments.of(targets, rect, path));
        return b.build();
    }

    private static Tensor tau(double v) {
        return Tensor.full(v, DType.F64, Device.CPU).requiresGrad(true);
    }

    @Test
    void similarityKernel() {
        GradCheck.check(
                "similarity[square]",
                in -> Similarity.logits(in[0], in[1], in[2]),
                GradCheck.param(1, 6, 5),
                GradCheck.param(2, 6, 5),
                tau(0.4));
        GradCheck.check(
                "similarity[rect]",
                in -> Similarity.logits(in[0], in[1], in[2]),
                GradCheck.param(3, 4, 7),
                GradCheck.param(4, 9, 7),
                tau(0.07));
        GradCheck.checkF32(
                "similarity[rect]",
                in -> Similarity.logits(in[0], in[1], in[2]),
                GradCheck.param(3, 4, 7),
                GradCheck.param(4, 9, 7),
                tau(0.07));
    }

    @ParameterizedTest(name = "logits kernel {0} rect={1}")
    @MethodSource("modes")
    void logitsKernel(String targets, boolean rect, ContrastiveLoss.Path ignored) {
        if (ignored == TILED) return; // the logits kernel has one path; run each mode once
        long[] rl = rect ? RECT_ROWS : SQUARE, cl = rect ? RECT_COLS : SQUARE;
        Tensor rows = LossFixtures.labelsTensor(rl), cols = LossFixtures.labelsTensor(cl);
        Tensor s = GradCheck.param(11, -3.0, 3.0, rl.length, cl.length);
        ContrastiveLoss.Options opts = ContrastiveLoss.Options.of(targets, 0.6);
        if (targets.equals("uncertainty")) {
            Uncertainty.Confidence c = Uncertainty.confidence(s, rows, cols);
            opts = opts.withFrozenConfidence(c.i2t(), c.t2i());
        }
        ContrastiveLoss.Options o = opts;
        GradCheck.check(
                "uitc-logits[" + targets + (rect ? ",rect]" : ",square]"),
                in -> ContrastiveLoss.fromLogits(in[0], rows, cols, o).loss(),
                s);
    }

    @ParameterizedTest(name = "{0} rect={1} {2}")
    @MethodSource("modes")
    void wholeLoss(String targets, boolean rect, ContrastiveLoss.Path path) {
        long[] rl = rect ? RECT_ROWS : SQUARE, cl = rect ? RECT_COLS : SQUARE;
        Tensor rows = LossFixtures.labelsTensor(rl), cols = LossFixtures.labelsTensor(cl);
        Tensor f = GradCheck.param(21, rl.length, 6), g = GradCheck.param(22, cl.length, 6), t = tau(0.3);
        ContrastiveLoss.Options live =
                ContrastiveLoss.Options.of(targets, 0.6).withPath(path).withBlockRows(4);
        ContrastiveLoss.Options opts = targets.equals("uncertainty") ? frozenAt(f, g, t, rows, cols, live) : live;
        ContrastiveLoss.Options o = opts;
        String name = "uitc[" + targets + (rect ? ",rect," : ",square,") + path + "]";
        GradCheck.check(
                name,
                in -> ContrastiveLoss.apply(in[0], in[1], in[2], rows, cols, o).loss(),
                f,
                g,
                t);
        // Only the image features need a gradient: the kernels skip the others.
        GradCheck.check(
                name + "[F only]",
                in -> ContrastiveLoss.apply(in[0], in[1], in[2], rows, cols, o).loss(),
                f,
                g.copy(),
                t.copy());
        GradCheck.checkF32(
                name,
                in -> ContrastiveLoss.apply(in[0], in[1], in[2], rows, cols, live)
                        .loss(),
                f,
                g,
                t);
    }

    /** c computed inside (stop-gradient) gives, at the same point, the gradient of the frozen-c loss. */
    @ParameterizedTest(name = "stop-gradient {2} rect={1}")
    @MethodSource("modes")
    void computedConfidenceIsAStopGradient(String targets, boolean rect, ContrastiveLoss.Path path) {
        if (!targets.equals("uncertainty")) return;
        long[] rl = rect ? RECT_ROWS : SQUARE, cl = rect ? RECT_COLS : SQUARE;
        Tensor rows = LossFixtures.labelsTensor(rl), cols = LossFixtures.labelsTensor(cl);
        Tensor f = GradCheck.param(31, rl.length, 6), g = GradCheck.param(32, cl.length, 6), t = tau(0.2);
        ContrastiveLoss.Options live =
                ContrastiveLoss.Options.uncertainty(0.8).withPath(path).withBlockRows(3);
        ContrastiveLoss.Options frozen = frozenAt(f, g, t, rows, cols, live);
        double[][] a = gradients(f, g, t, rows, cols, live), b = gradients(f, g, t, rows, cols, frozen);
        for (int k = 0; k < a.length; k++)
            for (int i = 0; i < a[k].length; i++)
                assertTrue(
                        Math.abs(a[k][i] - b[k][i]) <= 1e-12 * (1 + Math.abs(b[k][i])),
                        "gradient " + k + "[" + i + "]: " + a[k][i] + " vs " + b[k][i]);
    }

    private static double[][] gradients(
            Tensor f, Tensor g, Tensor t, Tensor rows, Tensor cols, ContrastiveLoss.Options o) {
        try (Scope s = Scope.open()) {
            Autograd.backward(ContrastiveLoss.apply(f, g, t, rows, cols, o).loss());
            double[][] out = {
                f.grad().toDoubleArray(), g.grad().toDoubleArray(), t.grad().toDoubleArray()
            };
            f.zeroGrad();
            g.zeroGrad();
            t.zeroGrad();
            return out;
        }
    }

    /** Options with c frozen at its value for the current inputs. */
    private static ContrastiveLoss.Options frozenAt(
            Tensor f, Tensor g, Tensor t, Tensor rows, Tensor cols, ContrastiveLoss.Options opts) {
        try (GradMode off = GradMode.off()) {
            Tensor s = Similarity.logits(f, g, t);
            Uncertainty.Confidence c = Uncertainty.confidence(s, rows, cols);
            return opts.withFrozenConfidence(c.i2t(), c.t2i());
        }
    }
}
