package io.weakpair.backend.cuda;

import static io.weakpair.backend.cuda.CudaTestSupport.assertClose;
import static io.weakpair.backend.cuda.CudaTestSupport.tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.backend.MiningMode;
import io.weakpair.loss.ContrastiveLoss;
import io.weakpair.loss.NegativeMining;
import io.weakpair.loss.Similarity;
import io.weakpair.loss.Uncertainty;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.GradCheck;
import io.weakpair.testing.Misuse;
import io.weakpair.testing.ScopePerTest;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The method's ops (io.weakpair.loss: similarity, uncertainty, the uITC loss and its baselines,
 * GITM mining) on the CUDA backend against the CPU backend: losses, gradients to the features
 * and the temperature, confidences, and mined indices (exactly), in F32 (relative error <= 1e-5)
 * and F64 (<= 1e-12, gradients 1e-11); float64 gradient checks on the device. Skipped, visibly,
 * without a device.
 *
 * <p>Mined pairs are compared exactly in two ways. On the same logits (uploaded to the device)
 * the kernels must agree for any input, rounding ties included. From features, each device
 * computes its own logits, which differ in their last bits (another GEMM), so the test data is
 * checked to have no near-tie first ({@link CudaLossFixtures#miningMargin}): a pick that depends
 * on a difference of 1e-6 is not a property of the kernels.
 */
@ExtendWith(ScopePerTest.class)
class CudaMethodOpsTest {
    /** Smallest gap (in logits) between two mining keys for the from-features comparison. */
    private static final double MINING_MARGIN = 1e-4;

    private Device gpu;

    @BeforeEach
    void open() {
        gpu = CudaTestSupport.device();
    }

    private static double gradTolerance(DType dt) {
        return dt == DType.F64 ? 1e-11 : 1e-5;
    }

    /** The loss's outputs on one device, downloaded. */
    private record LossRun(
            Tensor loss,
            Tensor lossI2t,
            Tensor lossT2i,
            Tensor gradImage,
            Tensor gradText,
            Tensor gradTau,
            NegativeMining.MinedPairs mined) {}

    private LossRun runLoss(
            Device device,
            Tensor f,
            Tensor g,
            Tensor tau,
            Tensor rowLabels,
            Tensor colLabels,
            ContrastiveLoss.Options options) {
        Tensor fd = f.to(device).requiresGrad(true), gd = g.to(device).requiresGrad(true);
        Tensor td = tau.to(device).requiresGrad(true);
        Tensor rl = rowLabels == null ? null : rowLabels.to(device),
                cl = colLabels == null ? null : colLabels.to(device);
        ContrastiveLoss.Result r = ContrastiveLoss.apply(fd, gd, td, rl, cl, options);
        Autograd.backward(r.loss());
        for (Tensor t : new Tensor[] {r.loss(), r.lossI2t(), r.lossT2i(), fd.grad(), gd.grad(), td.grad()})
            assertEquals(device, t.device(), "outputs stay on " + device);
        return new LossRun(r.loss(), r.lossI2t(), r.lossT2i(), fd.grad(), gd.grad(), td.grad(), r.mined());
    }

    static Stream<Arguments> lossCases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (String targets : new String[] {"strict", "id", "uncertainty"})
            for (DType dt : new DType[] {DType.F32, DType.F64})
                for (boolean rect : new boolean[] {false, true}) b.add(Arguments.of(targets, dt, rect));
        return b.build();
    }

    /** Loss, its directions and the gradients to F, G and tau: CUDA against the CPU. */
    @ParameterizedTest(name = "{0} {1} rect={2}")
    @MethodSource("lossCases")
    void contrastiveLossMatchesTheCpu(String targets, DType dt, boolean rect) {
        // Square: 30 pairs in identities of 1-4 members. Rectangular: 19 images against 37 texts
        // (a queue: other identities, and image identities the texts lack).
        int nr = rect ? 19 : 30, nc = rect ? 37 : 30, d = 12;
        long[] rl = CudaLossFixtures.labels(5, nr, 4, false);
        long[] cl = rect ? CudaLossFixtures.labels(6, nc, 4, false) : rl;
        if (rect) System.arraycopy(rl, 0, cl, 0, 11); // some shared identities
        Tensor f = CudaLossFixtures.features(1, rl, d, 0.8, dt), g = CudaLossFixtures.features(2, cl, d, 0.8, dt);
        Tensor tau = Tensor.full(0.07, dt, Device.CPU);
        Tensor rows = Tensor.ofLongs(rl, nr), cols = Tensor.ofLongs(cl, nc);
        ContrastiveLoss.Options opts = ContrastiveLoss.Options.of(targets, 0.6);
        LossRun c = runLoss(Device.CPU, f, g, tau, rows, cols, opts);
        LossRun u = runLoss(gpu, f, g, tau, rows, cols, opts);
        String tag = targets + " " + dt + (rect ? " " + nr + "x" + nc : " square");
        assertClose("loss " + tag, u.loss(), c.loss(), tolerance(dt));
        assertClose("loss_i2t " + tag, u.lossI2t(), c.lossI2t(), tolerance(dt));
        assertClose("loss_t2i " + tag, u.lossT2i(), c.lossT2i(), tolerance(dt));
        assertClose("dL/dF " + tag, u.gradImage(), c.gradImage(), gradTolerance(dt));
        assertClose("dL/dG " + tag, u.gradText(), c.gradText(), gradTolerance(dt));
        assertTemperatureGradientClose("dL/dtau " + tag, u.gradTau(), c.gradTau(), f, g, tau, rows, cols, opts);
    }

    /**
     * dL/dtau = -(1/tau) sum_ij dS_ij S_ij: N_r N_c terms that largely cancel (in the
     * rectangular uITC case above to 1/50 of their magnitudes), so in F32 neither device gets it
     * to 1e-5 of its own size (the CPU's F32 value is 7e-6 from the F64 one there). Its error is
     * measured, as a sum's is, against the magnitude of its terms
     * ({@link CudaLossFixtures#temperatureGradientMagnitude}); F64 keeps the plain relative error.
     */
    private static void assertTemperatureGradientClose(
            String what,
            Tensor got,
            Tensor want,
            Tensor f,
            Tensor g,
            Tensor tau,
            Tensor rows,
            Tensor cols,
            ContrastiveLoss.Options opts) {
        if (want.dtype() == DType.F64) {
            assertClose(what, got, want, gradTolerance(DType.F64));
            return;
        }
        boolean labelled = opts.targets() != ContrastiveLoss.Targets.STRICT;
        double magnitude = CudaLossFixtures.temperatureGradientMagnitude(
                f, g, tau, labelled ? rows : null, labelled ? cols : null, opts);
        CudaLossFixtures.assertCloseToMagnitude(what, got.item(), want.item(), magnitude, gradTolerance(DType.F32));
    }

    static Stream<Arguments> miningCases() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (MiningMode mode : MiningMode.values())
            for (DType dt : new DType[] {DType.F32, DType.F64}) b.add(Arguments.of(mode, dt));
        return b.build();
    }

    /** The loss with GITM mining: K = 4 instances per identity (and groups of 1-4), CUDA against the CPU. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("miningCases")
    void lossWithMiningMatchesTheCpu(MiningMode mode, DType dt) {
        for (boolean exactK : new boolean[] {true, false}) {
            int n = 32, d = 16;
            long seed = 77;
            long[] y = CudaLossFixtures.labels(exactK ? 11 : 12, n, 4, exactK);
            Tensor f = CudaLossFixtures.features(3, y, d, 0.9, dt), g = CudaLossFixtures.features(4, y, d, 0.9, dt);
            Tensor tau = Tensor.full(0.07, dt, Device.CPU), labels = Tensor.ofLongs(y, n);
            try (GradMode off = GradMode.off()) {
                double margin = CudaLossFixtures.miningMargin(
                        Similarity.logits(f, g, tau).toDoubleArray(), n, y, mode, seed);
                assertTrue(margin > MINING_MARGIN, "test data: two mining keys " + margin + " apart; pick other seeds");
            }
            ContrastiveLoss.Options opts =
                    ContrastiveLoss.Options.uncertainty(0.6).withMining(mode, seed);
            LossRun c = runLoss(Device.CPU, f, g, tau, labels, labels, opts);
            LossRun u = runLoss(gpu, f, g, tau, labels, labels, opts);
            String tag = mode + " " + dt + (exactK ? " K=4" : " K=1..4");
            assertClose("loss with mining " + tag, u.loss(), c.loss(), tolerance(dt));
            assertClose("dL/dF with mining " + tag, u.gradImage(), c.gradImage(), gradTolerance(dt));
            assertMinedEqual(tag, u.mined(), c.mined());
        }
    }

    private static void assertMinedEqual(String tag, NegativeMining.MinedPairs got, NegativeMining.MinedPairs want) {
        assertArrayEquals(want.hardNegText().toIntArray(), got.hardNegText().toIntArray(), "hard_neg_text " + tag);
        assertArrayEquals(want.hardNegImage().toIntArray(), got.hardNegImage().toIntArray(), "hard_neg_image " + tag);
        assertArrayEquals(want.weakPosText().toIntArray(), got.weakPosText().toIntArray(), "weak_pos_text " + tag);
        System.out.printf("cuda-vs-cpu mined pairs %-28s equal%n", tag);
    }

    /**
     * The mining kernels on the same logits on both devices: equal picks for any input, also
     * where the CPU's rounded confidences tie (F32 rows whose group spans more than 88, so every
     * other member's c flushes to 0) and where logits repeat exactly.
     */
    @Test
    void miningOnTheSameLogitsIsIdentical() {
        int n = 40;
        long[] y = CudaLossFixtures.labels(21, n, 5, false);
        SplittableRandom rng = new SplittableRandom(8);
        double[] s = new double[n * n];
        for (int i = 0; i < s.length; i++) s[i] = 10 * (rng.nextDouble() * 2 - 1);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                if (y[i] != y[j] || i == j) continue;
                if (i % 3 == 0) s[i * n + j] = -120 - j; // flushed confidences, the lowest logit last
                else if (i % 3 == 1) s[i * n + j] = 0.25; // exact repeats: ties to the lower index
            }
        for (int i = 0; i < n; i++) s[i * n + (i * 7) % n] = s[i * n + (i * 11) % n]; // repeated pool keys
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            Tensor logits = Tensor.fromDoubles(s, dt, Device.CPU, n, n);
            for (MiningMode mode : MiningMode.values())
                for (long seed : new long[] {0, 12345}) {
                    NegativeMining.MinedPairs c = NegativeMining.mine(logits, Tensor.ofLongs(y, n), mode, seed);
                    NegativeMining.MinedPairs u = NegativeMining.mine(
                            logits.to(gpu), Tensor.ofLongs(y, n).to(gpu), mode, seed);
                    assertMinedEqual("same logits " + mode + " seed " + seed + " " + dt, u, c);
                }
        }
    }

    /** Similarity logits forward and backward (through autograd), CUDA against the CPU. */
    @Test
    void similarityMatchesTheCpu() {
        for (DType dt : new DType[] {DType.F32, DType.F64})
            for (int[] shape : new int[][] {{9, 9, 7}, {5, 23, 33}}) {
                Tensor f = Tensor.randn(31, 1.0, dt, Device.CPU, shape[0], shape[2]);
                Tensor g = Tensor.randn(32, 1.0, dt, Device.CPU, shape[1], shape[2]);
                Tensor w = Tensor.randn(33, 1.0, dt, Device.CPU, shape[0], shape[1]);
                Tensor tau = Tensor.full(0.07, dt, Device.CPU);
                Tensor[] c = similarity(f, g, tau, w, Device.CPU), u = similarity(f, g, tau, w, gpu);
                String tag = shape[0] + "x" + shape[1] + "x" + shape[2] + " " + dt;
                assertClose("similarity S " + tag, u[0], c[0], tolerance(dt));
                assertClose("similarity dF " + tag, u[1], c[1], gradTolerance(dt));
                assertClose("similarity dG " + tag, u[2], c[2], gradTolerance(dt));
                assertClose("similarity dtau " + tag, u[3], c[3], gradTolerance(dt));
            }
    }

    /** {S, dF, dG, dtau} of sum(S * w) on one device. */
    private Tensor[] similarity(Tensor f, Tensor g, Tensor tau, Tensor w, Device device) {
        Tensor fd = f.to(device).requiresGrad(true),
                gd = g.to(device).requiresGrad(true),
                td = tau.to(device).requiresGrad(true);
        Tensor s = Similarity.logits(fd, gd, td);
        Autograd.backward(F.sum(F.mul(s, w.to(device))));
        return new Tensor[] {s, fd.grad(), gd.grad(), td.grad()};
    }

    /** Confidences c_i2t, c_t2i with labels and with the strict pairs, square and rectangular. */
    @Test
    void uncertaintyMatchesTheCpu() {
        for (DType dt : new DType[] {DType.F32, DType.F64})
            for (int[] shape : new int[][] {{17, 17}, {11, 45}, {3, 1500}}) {
                int nr = shape[0], nc = shape[1];
                Tensor s = Tensor.uniform(41, -12, 12, dt, Device.CPU, nr, nc);
                long[] rl = CudaLossFixtures.labels(42, nr, 3, false), cl = CudaLossFixtures.labels(43, nc, 6, false);
                System.arraycopy(rl, 0, cl, 0, Math.min(nr, nc) - 1);
                Tensor rows = Tensor.ofLongs(rl, nr), cols = Tensor.ofLongs(cl, nc);
                String tag = nr + "x" + nc + " " + dt;
                Uncertainty.Confidence c = Uncertainty.confidence(s, rows, cols);
                Uncertainty.Confidence u = Uncertainty.confidence(s.to(gpu), rows.to(gpu), cols.to(gpu));
                assertClose("c_i2t " + tag, u.i2t(), c.i2t(), tolerance(dt));
                assertClose("c_t2i " + tag, u.t2i(), c.t2i(), tolerance(dt));
                Uncertainty.Confidence cs = Uncertainty.confidence(s, null, null);
                Uncertainty.Confidence us = Uncertainty.confidence(s.to(gpu), null, null);
                assertClose("c_i2t strict " + tag, us.i2t(), cs.i2t(), tolerance(dt));
                assertClose("c_t2i strict " + tag, us.t2i(), cs.t2i(), tolerance(dt));
            }
    }

    /** The loss on given logits (the materialised kernel), with computed and with frozen confidences. */
    @Test
    void lossOnLogitsMatchesTheCpu() {
        for (DType dt : new DType[] {DType.F32, DType.F64})
            for (int[] shape : new int[][] {{21, 21}, {13, 40}}) {
                int nr = shape[0], nc = shape[1];
                long[] rl = CudaLossFixtures.labels(51, nr, 4, false), cl = CudaLossFixtures.labels(52, nc, 4, false);
                System.arraycopy(rl, 0, cl, 0, Math.min(nr, nc) - 2);
                Tensor rows = Tensor.ofLongs(rl, nr), cols = Tensor.ofLongs(cl, nc);
                Tensor s = Tensor.uniform(53, -10, 10, dt, Device.CPU, nr, nc);
                Uncertainty.Confidence frozen =
                        Uncertainty.confidence(Tensor.uniform(54, -3, 3, dt, Device.CPU, nr, nc), rows, cols);
                for (boolean external : new boolean[] {false, true}) {
                    ContrastiveLoss.Options o = ContrastiveLoss.Options.uncertainty(0.6);
                    ContrastiveLoss.Options oc = external ? o.withFrozenConfidence(frozen.i2t(), frozen.t2i()) : o;
                    ContrastiveLoss.Options og = external
                            ? o.withFrozenConfidence(
                                    frozen.i2t().to(gpu), frozen.t2i().to(gpu))
                            : o;
                    Tensor sc = s.copy().requiresGrad(true), sg = s.to(gpu).requiresGrad(true);
                    ContrastiveLoss.Result c = ContrastiveLoss.fromLogits(sc, rows, cols, oc);
                    Autograd.backward(c.loss());
                    ContrastiveLoss.Result u = ContrastiveLoss.fromLogits(sg, rows.to(gpu), cols.to(gpu), og);
                    Autograd.backward(u.loss());
                    String tag = nr + "x" + nc + " " + dt + (external ? " frozen c" : "");
                    assertClose("loss on logits " + tag, u.loss(), c.loss(), tolerance(dt));
                    assertClose("loss_i2t on logits " + tag, u.lossI2t(), c.lossI2t(), tolerance(dt));
                    assertClose("loss_t2i on logits " + tag, u.lossT2i(), c.lossT2i(), tolerance(dt));
                    assertClose("dL/dS " + tag, sg.grad(), sc.grad(), gradTolerance(dt));
                }
            }
    }

    /** Float64 central differences of the method's ops, run on the device. */
    @Test
    void gradientChecksOnTheDevice() {
        long[] rl = {3, 8, 3, 5, 8, 4, 9}, cl = {3, 8, 3, 5, 8, 6, 9, 3, 7, 5, 7};
        Tensor rows = Tensor.ofLongs(rl, rl.length).to(gpu),
                cols = Tensor.ofLongs(cl, cl.length).to(gpu);
        Tensor f = dev(GradCheck.param(61, rl.length, 6)), g = dev(GradCheck.param(62, cl.length, 6));
        Tensor tau = dev(Tensor.full(0.3, DType.F64, Device.CPU));
        GradCheck.check("cuda similarity[rect]", in -> Similarity.logits(in[0], in[1], in[2]), f, g, tau);
        for (String targets : new String[] {"strict", "id", "uncertainty"}) {
            ContrastiveLoss.Options o = ContrastiveLoss.Options.of(targets, 0.6);
            if (targets.equals("uncertainty")) { // c is a stop-gradient: hold it at this point's value
                try (GradMode off = GradMode.off()) {
                    Uncertainty.Confidence c = Uncertainty.confidence(Similarity.logits(f, g, tau), rows, cols);
                    o = o.withFrozenConfidence(c.i2t(), c.t2i());
                }
            }
            ContrastiveLoss.Options opts = o;
            GradCheck.check(
                    "cuda uitc[" + targets + ",rect]",
                    in -> ContrastiveLoss.apply(in[0], in[1], in[2], rows, cols, opts)
                            .loss(),
                    f,
                    g,
                    tau);
        }
        Tensor s = dev(GradCheck.param(63, -3.0, 3.0, rl.length, cl.length));
        GradCheck.check(
                "cuda uitc-logits[id,rect]",
                in -> ContrastiveLoss.fromLogits(in[0], rows, cols, ContrastiveLoss.Options.itcId())
                        .loss(),
                s);
    }

    private Tensor dev(Tensor t) {
        return t.to(gpu).requiresGrad(true);
    }

    /** Misuse on the device is an exception naming the op and the tensors, never a crash. */
    @Test
    void misuseIsAnException() {
        Tensor f = Tensor.randn(71, 1.0, DType.F32, gpu, 6, 4), g = Tensor.randn(72, 1.0, DType.F32, gpu, 6, 4);
        Tensor tau = Tensor.full(0.07, DType.F32, gpu);
        Tensor hostLabels = Tensor.ofLongs(new long[] {1, 1, 2, 2, 3, 3}, 6);
        Misuse.rejects(
                () -> ContrastiveLoss.apply(f, g, tau, hostLabels, ContrastiveLoss.Options.uncertainty(0.6)),
                "contrastive_loss");
        CudaBackend cuda = CudaBackends.get(gpu.index());
        Tensor hostLogits = Tensor.zeros(DType.F32, 6, 6);
        Tensor losses = Tensor.empty(DType.F32, gpu, 3);
        Misuse.rejects(
                () -> cuda.contrastiveLogits(hostLogits, null, null, 0, null, null, losses, null),
                "contrastiveLogits",
                "not on cuda:0");
        Tensor out = Tensor.empty(DType.I32, gpu, 6);
        Misuse.rejects(
                () -> cuda.mineWeakPositives(
                        Tensor.zeros(DType.F32, gpu, 6, 7), hostLabels.to(gpu), MiningMode.TOPK, 0, out),
                "mineWeakPositives",
                "square");
        Tensor labels32 = Tensor.ofInts(new int[] {1, 1, 2, 2, 3, 3}, 6).to(gpu);
        Misuse.rejects(
                () -> cuda.mineHardNegatives(
                        Tensor.zeros(DType.F32, gpu, 6, 6), labels32, MiningMode.TOPK, 0, out, out),
                "mineHardNegatives",
                "I64");
        Misuse.rejects(
                () -> cuda.contrastiveFused(
                        f,
                        Tensor.randn(73, 1.0, DType.F32, gpu, 6, 5),
                        0.07,
                        null,
                        null,
                        0,
                        null,
                        null,
                        true,
                        0,
                        losses,
                        null,
                        null,
                        null),
                "feature widths differ");
    }
}
