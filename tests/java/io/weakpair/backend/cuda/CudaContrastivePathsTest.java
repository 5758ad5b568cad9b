package io.weakpair.backend.cuda;

import static io.weakpair.backend.cuda.CudaTestSupport.assertClose;
import static io.weakpair.backend.cuda.CudaTestSupport.tolerance;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.backend.MiningMode;
import io.weakpair.loss.ContrastiveLoss;
import io.weakpair.loss.NegativeMining;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The CUDA uITC loss keeps the CPU's promises on both paths (docs/method.md, "The fused, tiled
 * form"): the tiled path (S recomputed block by block, never stored) equals the CPU and the
 * materialised CUDA path, forward and gradients, with row blocks that do not divide N; AUTO
 * picks the same path on both devices across the threshold, and the tiled one holds far less
 * than S on the device. Mining above the old n = 8192 cap equals the CPU. Skipped, visibly,
 * without a device.
 */
@ExtendWith(ScopePerTest.class)
class CudaContrastivePathsTest {
    private Device gpu;

    @BeforeEach
    void open() {
        gpu = CudaTestSupport.device();
    }

    private record Run(Tensor loss, Tensor gradRows, Tensor gradCols, Tensor gradTau) {}

    /** Loss and gradients on one device, brought back to the CPU. */
    private static Run run(Device device, Tensor f, Tensor g, long[] rl, long[] cl, ContrastiveLoss.Options o) {
        Tensor fd = f.to(device).requiresGrad(true), gd = g.to(device).requiresGrad(true);
        Tensor td = Tensor.full(0.07, f.dtype(), Device.CPU).to(device).requiresGrad(true);
        Tensor rlt = rl == null ? null : Tensor.ofLongs(rl, rl.length).to(device);
        Tensor clt = cl == null ? null : Tensor.ofLongs(cl, cl.length).to(device);
        ContrastiveLoss.Result r = ContrastiveLoss.apply(fd, gd, td, rlt, clt, o);
        Autograd.backward(r.loss());
        return new Run(
                r.loss().to(Device.CPU),
                fd.grad().to(Device.CPU),
                gd.grad().to(Device.CPU),
                td.grad().to(Device.CPU));
    }

    /**
     * dtauMagnitude: the magnitude of dL/dtau's terms, against which its F32 error is measured
     * (a sum of N_r N_c terms that largely cancel: see CudaMethodOpsTest); F64 and the rest use
     * the plain relative error.
     */
    private static void assertSame(String what, Run got, Run want, DType dt, double dtauMagnitude) {
        double tol = tolerance(dt), gradTol = dt == DType.F64 ? 1e-11 : 1e-5;
        assertClose(what + " loss", got.loss(), want.loss(), tol);
        assertClose(what + " dL/dF", got.gradRows(), want.gradRows(), gradTol);
        assertClose(what + " dL/dG", got.gradCols(), want.gradCols(), gradTol);
        if (dt == DType.F64) assertClose(what + " dL/dtau", got.gradTau(), want.gradTau(), gradTol);
        else
            CudaLossFixtures.assertCloseToMagnitude(
                    what + " dL/dtau", got.gradTau().item(), want.gradTau().item(), dtauMagnitude, gradTol);
    }

    private static double dtauMagnitude(Tensor f, Tensor g, long[] rl, long[] cl, ContrastiveLoss.Options o) {
        return CudaLossFixtures.temperatureGradientMagnitude(
                f,
                g,
                Tensor.full(0.07, f.dtype(), Device.CPU),
                rl == null ? null : Tensor.ofLongs(rl, rl.length),
                cl == null ? null : Tensor.ofLongs(cl, cl.length),
                o);
    }

    /** nr x nc (columns past the rows' identities: a queue), each block size against the CPU and CUDA materialised. */
    private void compareBlocks(int nr, int nc, int d, DType dt, ContrastiveLoss.Options base, int... blockRows) {
        long[] cl = CudaLossFixtures.labels(nr * 31L + nc, nc, 4, false);
        long[] rl = java.util.Arrays.copyOf(cl, nr);
        if (nr > nc) for (int i = nc; i < nr; i++) rl[i] = -1 - i; // rows without a positive
        Tensor f = CudaLossFixtures.features(5, rl, d, 0.8, dt), g = CudaLossFixtures.features(6, cl, d, 0.8, dt);
        boolean strict = base.targets() == ContrastiveLoss.Targets.STRICT;
        long[] r = strict ? null : rl, c = strict ? null : cl;
        String w = nr + "x" + nc + " " + dt + " " + base.targets();
        double m = dtauMagnitude(f, g, r, c, base);
        Run materialised = run(gpu, f, g, r, c, base.withPath(ContrastiveLoss.Path.MATERIALISED));
        assertSame(
                w + " cuda materialised vs cpu",
                materialised,
                run(Device.CPU, f, g, r, c, base.withPath(ContrastiveLoss.Path.MATERIALISED)),
                dt,
                m);
        for (int br : blockRows) {
            ContrastiveLoss.Options tiled =
                    base.withPath(ContrastiveLoss.Path.TILED).withBlockRows(br);
            Run cuda = run(gpu, f, g, r, c, tiled);
            assertSame(w + " tiled block " + br + " vs cpu tiled", cuda, run(Device.CPU, f, g, r, c, tiled), dt, m);
            assertSame(w + " tiled block " + br + " vs cuda materialised", cuda, materialised, dt, m);
        }
    }

    @Test
    void tiledEqualsTheCpuAndTheMaterialisedPath() {
        compareBlocks(37, 37, 12, DType.F32, ContrastiveLoss.Options.uncertainty(0.6), 0, 8, 36, 1);
        compareBlocks(29, 45, 9, DType.F64, ContrastiveLoss.Options.uncertainty(0.4), 5, 28);
        compareBlocks(45, 29, 9, DType.F64, ContrastiveLoss.Options.itcId(), 7);
        compareBlocks(33, 33, 8, DType.F32, ContrastiveLoss.Options.itcStrict(), 10);
    }

    /**
     * Square batches just below and just above ContrastiveLoss.MATERIALISED_MAX_LOGITS: AUTO equals
     * the CPU on both, and the device's peak of live memory shows the path: S and dS (2 N^2
     * values) below; above, one block of about 2^22 logits (a quarter of S at this N) and O(N D):
     * less than half of S.
     */
    @Test
    void autoTakesTheTiledPathAboveTheThresholdAsOnTheCpu() {
        long threshold = ContrastiveLoss.MATERIALISED_MAX_LOGITS;
        int below = (int) Math.sqrt((double) threshold) - 3, above = (int) Math.sqrt((double) threshold) + 5;
        CudaBackend backend = CudaTestSupport.backend();
        for (int n : new int[] {below, above}) {
            long[] y = CudaLossFixtures.labels(n, n, 4, false);
            Tensor f = CudaLossFixtures.features(7, y, 4, 0.8, DType.F32),
                    g = CudaLossFixtures.features(8, y, 4, 0.8, DType.F32);
            ContrastiveLoss.Options auto = ContrastiveLoss.Options.uncertainty(0.6);
            Run cpu = run(Device.CPU, f, g, y, y, auto);
            backend.resetPeakLiveBytes();
            long before = backend.memoryStats().liveBytes();
            Run cuda = run(gpu, f, g, y, y, auto);
            long peak = backend.memoryStats().peakLiveBytes() - before, logits = 4L * n * n;
            System.out.printf(
                    "cuda uITC N=%d AUTO: peak live device memory %.1f MiB (S alone %.1f MiB)%n",
                    n, peak / 1048576.0, logits / 1048576.0);
            assertSame("N=" + n + " auto", cuda, cpu, DType.F32, dtauMagnitude(f, g, y, y, auto));
            if ((long) n * n <= threshold)
                assertTrue(peak >= 2 * logits, "materialised below the threshold: peak " + peak + " < S + dS");
            else assertTrue(peak < logits / 2, "tiled above the threshold: peak " + peak + " >= S / 2 = " + logits / 2);
        }
    }

    /** Above the old cap of n = 8192 (and above sm_80's shared-memory limit: global-memory lists). */
    @Test
    void miningAboveTheOldCapEqualsTheCpu() {
        int n = 9000;
        long[] y = new long[n];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < n; i++)
            y[i] = 100 + rng.nextInt(5); // few, large groups: the emulator ranks in O(n^2) per group
        float[] s = new float[n * n];
        for (int i = 0; i < s.length; i++) s[i] = (float) (10 * (rng.nextDouble() * 2 - 1));
        Tensor logits = Tensor.of(s, n, n), labels = Tensor.ofLongs(y, n);
        for (MiningMode mode : MiningMode.values()) {
            NegativeMining.MinedPairs c = NegativeMining.mine(logits, labels, mode, 99);
            NegativeMining.MinedPairs u = NegativeMining.mine(logits.to(gpu), labels.to(gpu), mode, 99);
            assertArrayEquals(
                    c.hardNegText().toIntArray(), u.hardNegText().toIntArray(), "hard_neg_text n=9000 " + mode);
            assertArrayEquals(
                    c.hardNegImage().toIntArray(), u.hardNegImage().toIntArray(), "hard_neg_image n=9000 " + mode);
            assertArrayEquals(
                    c.weakPosText().toIntArray(), u.weakPosText().toIntArray(), "weak_pos_text n=9000 " + mode);
            System.out.printf("cuda-vs-cpu mined pairs n=%d %s equal%n", n, mode);
        }
    }
}
