package io.weakpair.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.backend.MiningMode;
import io.weakpair.loss.ContrastiveLoss;
import io.weakpair.loss.Similarity;
import io.weakpair.nativ.CpuKernels;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Inputs for the CUDA tests of the method's loss and mining kernels (the CPU loss tests have
 * {@code io.weakpair.loss.LossFixtures}): identity labels, features with identity
 * structure, and the margin that decides whether CPU and CUDA can be expected to mine the same
 * pairs from logits computed on each device.
 */
final class CudaLossFixtures {
    private CudaLossFixtures() {}

    /**
     * Labels of n samples in identities of 1 to maxGroup members (groups of exactly maxGroup
     * when exact), shuffled, with identity numbers that are neither dense nor ordered.
     */
    static long[] labels(long seed, int n, int maxGroup, boolean exact) {
        SplittableRandom rng = new SplittableRandom(seed);
        long[] y = new long[n];
        long id = 1000;
        for (int i = 0; i < n; ) {
            int size = exact ? maxGroup : 1 + rng.nextInt(maxGroup);
            id += 1 + rng.nextInt(7);
            for (int k = 0; k < size && i < n; k++) y[i++] = id;
        }
        for (int k = n - 1; k > 0; k--) {
            int j = rng.nextInt(k + 1);
            long t = y[k];
            y[k] = y[j];
            y[j] = t;
        }
        return y;
    }

    /** Features [labels.length, d] on the CPU: a direction per identity plus noise, row norms from 0.5 to 2.5. */
    static Tensor features(long seed, long[] labels, int d, double noise, DType dtype) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] x = new double[labels.length * d];
        for (int i = 0; i < labels.length; i++) {
            SplittableRandom idRng = new SplittableRandom(labels[i] * 7919L);
            double scale = 0.5 + 2 * rng.nextDouble();
            for (int k = 0; k < d; k++) x[i * d + k] = scale * (gaussian(idRng) + noise * gaussian(rng));
        }
        return Tensor.fromDoubles(x, dtype, Device.CPU, labels.length, d);
    }

    private static double gaussian(SplittableRandom rng) {
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    /**
     * The smallest gap between two values whose order decides a mined pair (native/include/wp/mining.h),
     * from square logits S [n, n] in row-major order: within every group of k members, the k
     * largest pool keys of the outside texts and images and the next one (the group maximum,
     * plus the Gumbel noise in sample mode), and in topk mode, in each member's row, the lowest
     * and second-lowest logit of the other members (the weak positive has the lowest
     * confidence, which is increasing in the logit). When this gap is well above the rounding
     * differences of S between two devices (a few 1e-6 in F32 at tau 0.07), both must pick the
     * same indices.
     */
    static double miningMargin(double[] s, int n, long[] labels, MiningMode mode, long seed) {
        Map<Long, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < n; i++)
            groups.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
        double margin = Double.POSITIVE_INFINITY;
        for (List<Integer> g : groups.values()) {
            int first = g.get(0), k = g.size();
            List<Double> keysText = new ArrayList<>(), keysImage = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (labels[j] == labels[first]) continue;
                double kt = Double.NEGATIVE_INFINITY, ki = Double.NEGATIVE_INFINITY;
                for (int m : g) {
                    kt = Math.max(kt, s[m * n + j]);
                    ki = Math.max(ki, s[j * n + m]);
                }
                if (mode == MiningMode.SAMPLE) {
                    kt += -Math.log(-Math.log(CpuKernels.wp_mining_uniform(seed, 1, first, j)));
                    ki += -Math.log(-Math.log(CpuKernels.wp_mining_uniform(seed, 2, first, j)));
                }
                keysText.add(-kt); // ascending order of -key: the hardest first
                keysImage.add(-ki);
            }
            margin = Math.min(margin, Math.min(leadingGap(keysText, k), leadingGap(keysImage, k)));
            if (mode == MiningMode.TOPK && k > 2)
                for (int i : g) {
                    List<Double> row = new ArrayList<>();
                    for (int j : g) if (j != i) row.add(s[i * n + j]);
                    margin = Math.min(margin, leadingGap(row, 1));
                }
        }
        return margin;
    }

    /** The smallest gap between consecutive values among the {@code count + 1} smallest. */
    private static double leadingGap(List<Double> values, int count) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        double gap = Double.POSITIVE_INFINITY;
        for (int i = 1; i < Math.min(v.length, count + 1); i++) gap = Math.min(gap, v[i] - v[i - 1]);
        return gap;
    }
    /**
     * The magnitude of the terms of dL/dtau = -(1/tau) sum_ij dS_ij S_ij, i.e. (1/tau) sum_ij
     * |dS_ij S_ij|, computed in F64 on the CPU for the loss of options on these inputs. The
     * terms largely cancel, so an F32 dL/dtau is accurate to about 1e-7 of this, not of itself.
     */
    static double temperatureGradientMagnitude(
            Tensor f, Tensor g, Tensor tau, Tensor rowLabels, Tensor colLabels, ContrastiveLoss.Options options) {
        try (Scope s = Scope.open()) {
            Tensor tau64 = tau.to(Device.CPU).toDType(DType.F64);
            Tensor logits;
            try (GradMode off = GradMode.off()) {
                logits = Similarity.logits(
                        f.to(Device.CPU).toDType(DType.F64), g.to(Device.CPU).toDType(DType.F64), tau64);
            }
            logits.requiresGrad(true);
            Tensor rl = rowLabels == null ? null : rowLabels.to(Device.CPU),
                    cl = colLabels == null ? null : colLabels.to(Device.CPU);
            Autograd.backward(
                    ContrastiveLoss.fromLogits(logits, rl, cl, options).loss());
            double[] sv = logits.toDoubleArray(), dsv = logits.grad().toDoubleArray();
            double sum = 0;
            for (int i = 0; i < sv.length; i++) sum += Math.abs(sv[i] * dsv[i]);
            return sum / tau64.item();
        }
    }

    /** |got - want| <= tolerance * max(|want|, magnitude), printed like CudaTestSupport.assertClose. */
    static void assertCloseToMagnitude(String what, double got, double want, double magnitude, double tolerance) {
        double diff = Math.abs(got - want), scale = Math.max(Math.abs(want), magnitude);
        System.out.printf(
                "cuda-vs-cpu %-36s error %.3e of the terms' magnitude %.4g (value %.4g)%n",
                what, diff / scale, magnitude, want);
        assertTrue(
                diff <= tolerance * scale,
                what + ": " + got + " vs " + want + ", error " + diff / scale + " of " + scale + " > " + tolerance);
    }
}
