package io.weakpair.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.MemoryStats;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** AdamW against a plain-double reference of torch.optim.AdamW over several steps. */
@ExtendWith(ScopePerTest.class)
class AdamWTest {
    /** Leaves that outlive the per-test scope (parameters are never scope-owned). */
    private final List<Tensor> params = new ArrayList<>();

    @AfterEach
    void closeParams() {
        params.forEach(Tensor::close);
    }

    /** The textbook form: bias-corrected moments, decoupled decay taken first. */
    static final class Reference {
        final double[] p, m, v;
        long t;

        Reference(double[] init) {
            p = init.clone();
            m = new double[init.length];
            v = new double[init.length];
        }

        void step(double[] g, double lr, double b1, double b2, double eps, double wd) {
            t++;
            for (int i = 0; i < p.length; i++) {
                p[i] -= lr * wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                p[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
        }
    }

    private Tensor param(long seed, DType dtype, int... shape) {
        Tensor t = Scope.detach(Tensor.uniform(seed, -1, 1, dtype, Device.CPU, shape))
                .requiresGrad(true);
        params.add(t);
        return t;
    }

    private static double[] gradient(SplittableRandom rng, long n) {
        double[] g = new double[(int) n];
        // Mixed magnitudes, zeros included: the eps term and tiny second moments matter.
        for (int i = 0; i < g.length; i++)
            g[i] = i % 7 == 3 ? 0 : rng.nextGaussian() * Math.pow(10, rng.nextInt(-3, 2));
        return g;
    }

    private static void setGrad(Tensor p, double[] g) {
        Tensor t = Tensor.fromDoubles(g, p.dtype(), p.device(), p.shape());
        p.setGrad(t);
    }

    /**
     * Runs {@code steps} steps on weight [5, 4], bias [5], norm.weight [4], embed [3, 4] with
     * decay exclusions and compares every parameter with the reference after every step.
     */
    private void compareWithReference(DType dtype, double weightDecay, double tolerance, boolean grouped) {
        Map<String, Tensor> named = new LinkedHashMap<>();
        named.put("weight", param(1, dtype, 5, 4));
        named.put("bias", param(2, dtype, 5));
        named.put("norm.weight", param(3, dtype, 4));
        named.put("embed.table", param(4, dtype, 3, 4));
        AdamW.Config cfg = new AdamW.Config(3e-2, 0.9, 0.98, 1e-6, weightDecay);
        Map<String, Reference> ref = new HashMap<>();
        Map<String, Double> decayOf = new HashMap<>();
        for (Map.Entry<String, Tensor> e : named.entrySet()) {
            ref.put(e.getKey(), new Reference(e.getValue().toDoubleArray()));
            boolean excluded =
                    grouped && (e.getValue().rank() <= 1 || e.getKey().startsWith("embed."));
            decayOf.put(e.getKey(), excluded ? 0 : weightDecay);
        }
        LrSchedule schedule = new WarmupCosine(cfg.lr(), 1e-3, 2, 8);
        SplittableRandom rng = new SplittableRandom(99);
        try (AdamW opt =
                grouped ? AdamW.withDecayExclusions(named, cfg, n -> n.startsWith("embed.")) : AdamW.of(named, cfg)) {
            for (int step = 0; step < 8; step++) {
                double lr = schedule.lr(step);
                opt.setLr(lr);
                for (Map.Entry<String, Tensor> e : named.entrySet()) {
                    double[] g = gradient(rng, e.getValue().numel());
                    setGrad(e.getValue(), g);
                    // The reference sees the gradient as the parameter's dtype holds it.
                    ref.get(e.getKey())
                            .step(
                                    e.getValue().grad().toDoubleArray(),
                                    lr,
                                    cfg.beta1(),
                                    cfg.beta2(),
                                    cfg.eps(),
                                    decayOf.get(e.getKey()));
                }
                opt.step();
                for (Map.Entry<String, Tensor> e : named.entrySet()) {
                    double[] want = ref.get(e.getKey()).p, got = e.getValue().toDoubleArray();
                    for (int i = 0; i < want.length; i++)
                        assertEquals(
                                want[i],
                                got[i],
                                tolerance * Math.max(1, Math.abs(want[i])),
                                dtype + " " + e.getKey() + "[" + i + "] after step " + (step + 1));
                }
            }
            for (Tensor p : named.values()) assertEquals(8, opt.steps(p));
        }
    }

    @Test
    void matchesReferenceWithDecayAndExcludedGroupsF64() {
        compareWithReference(DType.F64, 0.1, 1e-12, true);
    }

    @Test
    void matchesReferenceWithoutDecayF64() {
        compareWithReference(DType.F64, 0.0, 1e-12, false);
    }

    @Test
    void matchesReferenceWithDecayOnEveryParameterF64() {
        compareWithReference(DType.F64, 0.3, 1e-12, false);
    }

    @Test
    void matchesReferenceF32() {
        compareWithReference(DType.F32, 0.1, 2e-5, true);
    }

    @Test
    void decayGroupsExcludeBiasesNormsAndNamedParameters() {
        Map<String, Tensor> named = new LinkedHashMap<>();
        named.put("fc.weight", param(1, DType.F32, 3, 2));
        named.put("fc.bias", param(2, DType.F32, 3));
        named.put("ln.weight", param(3, DType.F32, 2));
        named.put("temp", param(4, DType.F32));
        named.put("pos_embed", param(5, DType.F32, 1, 4, 2));
        List<ParamGroup> groups = AdamW.decayGroups(named, 0.05, n -> n.contains("embed"));
        assertEquals(2, groups.size());
        assertEquals("decay", groups.get(0).label());
        assertEquals(List.of("fc.weight"), List.copyOf(groups.get(0).params().keySet()));
        assertEquals(0.05, groups.get(0).weightDecay());
        assertEquals(
                List.of("fc.bias", "ln.weight", "temp", "pos_embed"),
                List.copyOf(groups.get(1).params().keySet()));
        assertEquals(0.0, groups.get(1).weightDecay());
    }

    @Test
    void parametersWithoutGradientsAreSkippedAndKeepTheirOwnStepCount() {
        Tensor a = param(1, DType.F64, 4), b = param(2, DType.F64, 4);
        AdamW.Config cfg = AdamW.Config.defaults().withLr(0.1).withWeightDecay(0.2);
        Reference ra = new Reference(a.toDoubleArray()), rb = new Reference(b.toDoubleArray());
        SplittableRandom rng = new SplittableRandom(5);
        try (AdamW opt = AdamW.of(Map.of("a", a, "b", b), cfg)) {
            for (int step = 0; step < 5; step++) {
                double[] ga = gradient(rng, 4);
                setGrad(a, ga);
                ra.step(ga, 0.1, 0.9, 0.999, 1e-8, 0.2);
                if (step % 2 == 0) {
                    double[] gb = gradient(rng, 4);
                    setGrad(b, gb);
                    rb.step(gb, 0.1, 0.9, 0.999, 1e-8, 0.2);
                } else {
                    b.zeroGrad(); // no gradient: no decay, no moment update, no step
                }
                opt.step();
            }
            assertEquals(5, opt.steps(a));
            assertEquals(3, opt.steps(b));
            double[] gotA = a.toDoubleArray(), gotB = b.toDoubleArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(ra.p[i], gotA[i], 1e-12);
                assertEquals(rb.p[i], gotB[i], 1e-12);
            }
        }
    }

    @Test
    void groupLearningRateScaleMultipliesTheGlobalRate() {
        Tensor a = param(1, DType.F64, 3), b = param(2, DType.F64, 3);
        Reference ra = new Reference(a.toDoubleArray()), rb = new Reference(b.toDoubleArray());
        AdamW.Config cfg = AdamW.Config.defaults().withLr(0.01);
        try (AdamW opt = new AdamW(
                List.of(
                        new ParamGroup("slow", Map.of("a", a), 0.1, 0.25),
                        new ParamGroup("fast", Map.of("b", b), 0.0, 1)),
                cfg)) {
            double[] g = {0.5, -1, 2};
            setGrad(a, g);
            setGrad(b, g);
            opt.step();
        }
        ra.step(new double[] {0.5, -1, 2}, 0.0025, 0.9, 0.999, 1e-8, 0.1);
        rb.step(new double[] {0.5, -1, 2}, 0.01, 0.9, 0.999, 1e-8, 0);
        double[] gotA = a.toDoubleArray(), gotB = b.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(ra.p[i], gotA[i], 1e-14);
            assertEquals(rb.p[i], gotB[i], 1e-14);
        }
    }

    @Test
    void momentsAreOwnedByTheOptimiserAndFreedOnClose() {
        Tensor a = param(1, DType.F32, 64);
        long before = MemoryStats.liveStorages(Device.Kind.CPU);
        AdamW opt = AdamW.of(Map.of("a", a), AdamW.Config.defaults());
        try (Scope step = Scope.open()) {
            setGrad(a, new double[64]);
            opt.step(); // moments are created inside a step scope ...
        }
        a.zeroGrad();
        assertEquals(before + 2, MemoryStats.liveStorages(Device.Kind.CPU), "... and survive it");
        opt.close();
        assertEquals(before, MemoryStats.liveStorages(Device.Kind.CPU));
        assertThrows(IllegalStateException.class, opt::step);
    }

    @Test
    void misuseIsReportedByName() {
        Tensor w = param(1, DType.F32, 2, 3);
        try (AdamW opt = AdamW.of(Map.of("fc.weight", w), AdamW.Config.defaults())) {
            w.setGrad(Tensor.zeros(DType.F32, 3, 2));
            IllegalStateException e = assertThrows(IllegalStateException.class, opt::step);
            assertTrue(
                    e.getMessage().contains("'fc.weight'")
                            && e.getMessage().contains("[3, 2]")
                            && e.getMessage().contains("[2, 3]"),
                    e.getMessage());
            w.setGrad(Tensor.zeros(DType.F64, 2, 3));
            assertThrows(IllegalStateException.class, opt::step);
            assertThrows(IllegalArgumentException.class, () -> opt.setLr(-1));
            assertThrows(IllegalArgumentException.class, () -> opt.setLr(Double.NaN));
        }
        assertThrows(IllegalArgumentException.class, () -> new AdamW.Config(1e-3, 1.0, 0.999, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new AdamW.Config(1e-3, 0.9, -0.1, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new AdamW.Config(1e-3, 0.9, 0.999, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new AdamW.Config(1e-3, 0.9, 0.999, 1e-8, -1));
        IllegalArgumentException dup = assertThrows(
                IllegalArgumentException.class,
                () -> new AdamW(
                        List.of(new ParamGroup("x", Map.of("a", w), 0), new ParamGroup("y", Map.of("b", w), 0)),
                        AdamW.Config.defaults()));
        assertTrue(dup.getMessage().contains("'b'") && dup.getMessage().contains("'a'"), dup.getMessage());
        Tensor frozen = Scope.detach(Tensor.zeros(DType.F32, 2));
        params.add(frozen);
        assertThrows(IllegalArgumentException.class, () -> AdamW.of(Map.of("frozen", frozen), AdamW.Config.defaults()));
    }

    @Test
    void savedStateResumesExactly(@TempDir Path dir) throws IOException {
        Tensor a = param(1, DType.F32, 3, 2), b = param(2, DType.F32, 3);
        Tensor a2 = Scope.detach(a.copy()).requiresGrad(true),
                b2 = Scope.detach(b.copy()).requiresGrad(true);
        params.add(a2);
        params.add(b2);
        AdamW.Config cfg = AdamW.Config.defaults().withLr(0.05).withWeightDecay(0.1);
        SplittableRandom rng = new SplittableRandom(3);
        List<double[]> grads = new ArrayList<>();
        for (int i = 0; i < 10; i++) grads.add(gradient(rng, 6));
        Path file = dir.resolve("adamw.safetensors");
        try (AdamW first = AdamW.withDecayExclusions(Map.of("a", a, "b", b), cfg, null)) {
            for (int i = 0; i < 6; i++) {
                setGrad(a, grads.get(i));
                if (i < 4) setGrad(b, java.util.Arrays.copyOf(grads.get(i), 3));
                else b.zeroGrad();
                first.step();
                if (i == 3) {
                    // Snapshot the state after four steps, and the parameters with it.
                    first.saveState(file);
                    a2.backend().copy(a, a2);
                    b2.backend().copy(b, b2);
                }
            }
            try (AdamW resumed = AdamW.withDecayExclusions(Map.of("a", a2, "b", b2), cfg, null)) {
                resumed.loadState(file);
                assertEquals(4, resumed.steps(a2));
                for (int i = 4; i < 6; i++) {
                    setGrad(a2, grads.get(i));
                    b2.zeroGrad();
                    resumed.step();
                }
                assertEquals(first.steps(a), resumed.steps(a2));
                assertEquals(first.steps(b), resumed.steps(b2));
                assertArrayEquals(a.toFloatArray(), a2.toFloatArray());
                assertArrayEquals(b.toFloatArray(), b2.toFloatArray());
            }
            Tensor wrongShape = param(9, DType.F32, 2, 3);
            try (AdamW other = AdamW.of(Map.of("a", wrongShape), cfg)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.loadState(file));
                assertTrue(
                        e.getMessage().contains("'a.exp_avg' has shape [3, 2]")
                                && e.getMessage().contains("'b'"),
                        e.getMessage());
                assertEquals(0, other.steps(wrongShape), "a refused load changes nothing");
            }
        }
    }

    @Test
    void nativeKernelRejectsMismatchedState() {
        Tensor p = param(1, DType.F32, 4);
        Tensor g = Tensor.zeros(DType.F32, 4), m = Tensor.zeros(DType.F32, 4), wrong = Tensor.zeros(DType.F32, 5);
        assertThrows(
                IllegalArgumentException.class, () -> p.backend().adamw(p, g, m, wrong, 1e-3, 0.9, 0.999, 1e-8, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> p.backend().adamw(p, g, m, m, 1e-3, 0.9, 0.999, 1e-8, 0, 0));
    }
}
