package io.weakpair.ops;

import static io.weakpair.testing.GradCheck.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.backend.CpuBackend;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.GradCheck;
import io.weakpair.testing.ScopePerTest;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The neural-network ops (layer norm, cross-entropy, embedding, L2 normalisation, dropout,
 * patchify): forwards against plain Java references, gradients against float64 finite
 * differences on odd shapes, F32 forwards against F64.
 */
@ExtendWith(ScopePerTest.class)
class NnOpsGradTest {
    private static final int IGNORE = -100;

    // ------------------------------------------------------------------ references

    private static double[] layerNormRef(double[] x, double[] g, double[] b, int cols, double eps) {
        double[] y = new double[x.length];
        for (int r = 0; r < x.length / cols; r++) {
            double mean = 0, var = 0;
            for (int c = 0; c < cols; c++) mean += x[r * cols + c];
            mean /= cols;
            for (int c = 0; c < cols; c++) var += (x[r * cols + c] - mean) * (x[r * cols + c] - mean);
            var /= cols;
            for (int c = 0; c < cols; c++) {
                double v = (x[r * cols + c] - mean) / Math.sqrt(var + eps);
                y[r * cols + c] = v * (g == null ? 1 : g[c]) + (b == null ? 0 : b[c]);
            }
        }
        return y;
    }

    private static double logSumExp(double[] x, int off, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, x[off + i]);
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.exp(x[off + i] - m);
        return m + Math.log(s);
    }

    private static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++)
            assertTrue(
                    Math.abs(expected[i] - actual[i]) <= tol * Math.max(1, Math.abs(expected[i])),
                    what + ": element " + i + " expected " + expected[i] + " got " + actual[i]);
    }

    private static int[] randomIds(long seed, int n, int bound, int ignoreEvery) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = ignoreEvery > 0 && i % ignoreEvery == 1 ? IGNORE : rng.nextInt(bound);
        return ids;
    }

    // ------------------------------------------------------------------ layer norm

    @Test
    void layerNormForwardMatchesReference() {
        Tensor x = Tensor.randn(1, 2.0, DType.F64, Device.CPU, 5, 1, 13);
        Tensor g = Tensor.randn(2, 1.0, DType.F64, Device.CPU, 13);
        Tensor b = Tensor.randn(3, 1.0, DType.F64, Device.CPU, 13);
        double[] ref = layerNormRef(x.toDoubleArray(), g.toDoubleArray(), b.toDoubleArray(), 13, 1e-5);
        assertClose(ref, F.layerNorm(x, g, b, 1e-5).toDoubleArray(), 1e-12, "layerNorm");
        assertClose(
                layerNormRef(x.toDoubleArray(), null, null, 13, 1e-5),
                F.layerNorm(x, null, null, 1e-5).toDoubleArray(),
                1e-12,
                "layerNorm[no affine]");
    }

    @Test
    void layerNormGradients() {
        GradCheck.check(
                "layerNorm[3x7]",
                in -> F.layerNorm(in[0], in[1], in[2], 1e-5),
                param(101, 3, 7),
                param(102, 7),
                param(103, 7));
        GradCheck.check(
                "layerNorm[5x1x13]",
                in -> F.layerNorm(in[0], in[1], in[2], 1e-6),
                param(104, 5, 1, 13),
                param(105, 13),
                param(106, 13));
        GradCheck.check(
                "layerNorm[1 row]",
                in -> F.layerNorm(in[0], in[1], in[2], 1e-5),
                param(107, 1, 9),
                param(108, 9),
                param(109, 9));
        GradCheck.check(
                "layerNorm[1 col]",
                in -> F.layerNorm(in[0], in[1], in[2], 1e-5),
                param(110, 4, 1),
                param(111, 1),
                param(112, 1));
        GradCheck.check("layerNorm[no affine]", in -> F.layerNorm(in[0], null, null, 1e-5), param(113, 3, 7));
        GradCheck.check(
                "layerNorm[gamma only]", in -> F.layerNorm(in[0], in[1], null, 1e-5), param(114, 3, 7), param(115, 7));
        // Only the parameters need gradients (x is data): gx is skipped.
        Tensor data = Tensor.randn(116, 1, DType.F64, Device.CPU, 6, 5);
        GradCheck.check(
                "layerNorm[params only]", in -> F.layerNorm(data, in[0], in[1], 1e-5), param(117, 5), param(118, 5));
    }

    @Test
    void layerNormF32MatchesF64EvenWithAnOffsetMean() {
        GradCheck.checkF32(
                "layerNorm[5x1x13]",
                in -> F.layerNorm(in[0], in[1], in[2], 1e-6),
                param(121, 5, 1, 13),
                param(122, 13),
                param(123, 13));
        // |mean| >> std: a float E[x^2] - E[x]^2 would lose most digits here.
        Tensor shifted = Tensor.uniform(124, 29.0, 31.0, DType.F64, Device.CPU, 7, 33);
        GradCheck.checkF32("layerNorm[offset mean]", in -> F.layerNorm(in[0], null, null, 1e-6), shifted);
    }

    @Test
    void layerNormParallelRowsAgreeWithOneThread() {
        // Big enough for the parallel paths (rows split across threads, per-thread gamma/beta partials).
        int rows = 999, cols = 67;
        Tensor x = Tensor.randn(131, 1, DType.F64, Device.CPU, rows, cols).requiresGrad(true);
        Tensor g = Tensor.randn(132, 1, DType.F64, Device.CPU, cols).requiresGrad(true);
        Tensor b = Tensor.randn(133, 1, DType.F64, Device.CPU, cols).requiresGrad(true);
        Tensor w = Tensor.randn(134, 1, DType.F64, Device.CPU, rows, cols);
        int before = CpuBackend.threads();
        int[] threadCounts = {1, 2, 7}; // 7 oversubscribes this machine on purpose: more partial buffers
        double[][] results = new double[threadCounts.length][];
        try {
            for (int t = 0; t < threadCounts.length; t++) {
                CpuBackend.setThreads(threadCounts[t]);
                try (Scope s = Scope.open()) {
                    Autograd.backward(F.sum(F.mul(F.layerNorm(x, g, b, 1e-5), w)));
                }
                results[t] = concat(
                        x.grad().toDoubleArray(),
                        g.grad().toDoubleArray(),
                        b.grad().toDoubleArray());
                x.zeroGrad();
                g.zeroGrad();
                b.zeroGrad();
            }
        } finally {
            CpuBackend.setThreads(before);
        }
        for (int t = 1; t < threadCounts.length; t++)
            assertClose(results[0], results[t], 1e-11, "layerNorm gradients, 1 vs " + threadCounts[t] + " threads");
        // gbeta is the column sum of the weights: an independent check of the reduction over rows.
        double[] wv = w.toDoubleArray();
        double[] gbeta = new double[cols];
        for (int r = 0; r < rows; r++) for (int c = 0; c < cols; c++) gbeta[c] += wv[r * cols + c];
        double[] got = new double[cols];
        System.arraycopy(results[2], rows * cols + cols, got, 0, cols);
        assertClose(gbeta, got, 1e-10, "gbeta");
    }

    private static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) n += p.length;
        double[] out = new double[n];
        int o = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    // ------------------------------------------------------------------ cross-entropy

    @Test
    void crossEntropyMatchesReferenceWithIgnoredRows() {
        int rows = 7, classes = 5;
        Tensor logits = Tensor.randn(201, 3.0, DType.F64, Device.CPU, rows, classes);
        int[] ids = randomIds(202, rows, classes, 3);
        Tensor targets = Tensor.ofInts(ids, rows);
        double[] x = logits.toDoubleArray();
        double sum = 0;
        int counted = 0;
        for (int r = 0; r < rows; r++) {
            if (ids[r] == IGNORE) continue;
            sum += logSumExp(x, r * classes, classes) - x[r * classes + ids[r]];
            counted++;
        }
        assertEquals(sum / counted, F.crossEntropy(logits, targets, IGNORE).item(), 1e-12);
    }

    @Test
    void crossEntropyGradients() {
        Tensor t1 = Tensor.ofInts(randomIds(211, 3, 7, 0), 3);
        GradCheck.check("crossEntropy[3x7]", in -> F.crossEntropy(in[0], t1, IGNORE), param(212, 3, 7));
        Tensor t2 = Tensor.ofInts(randomIds(213, 5, 13, 2), 5, 1);
        GradCheck.check("crossEntropy[5x1x13,ignore]", in -> F.crossEntropy(in[0], t2, IGNORE), param(214, 5, 1, 13));
        Tensor t3 = Tensor.ofInts(new int[] {4}, 1);
        GradCheck.check("crossEntropy[1 row]", in -> F.crossEntropy(in[0], t3, IGNORE), param(215, 1, 9));
        // Two classes, the smallest case with a non-zero loss and gradient (one class is identically 0:
        // crossEntropyOfOneClassIsExactlyZero checks that case by value).
        Tensor t4 = Tensor.ofInts(new int[] {0, 1, IGNORE, 1}, 4);
        GradCheck.check("crossEntropy[2 classes,ignore]", in -> F.crossEntropy(in[0], t4, IGNORE), param(216, 4, 2));
        // An ignore index that is itself a valid class id (e.g. the [PAD] id 0) is still ignored.
        Tensor t5 = Tensor.ofInts(new int[] {0, 2, 0, 1}, 4);
        GradCheck.check("crossEntropy[ignore=0]", in -> F.crossEntropy(in[0], t5, 0), param(217, 4, 3));
        GradCheck.checkF32(
                "crossEntropy[5x1x13,ignore]", in -> F.crossEntropy(in[0], t2, IGNORE), param(214, 5, 1, 13));
    }

    @Test
    void crossEntropyOfOneClassIsExactlyZero() {
        // With one class, log-softmax is identically 0: loss 0 and gradient 0 whatever the logits
        // (large ones included), not NaN, not log 2, not a gradient of softmax - onehot != 0.
        Tensor logits = Tensor.of(new double[] {-3.5, 0.25, 40.0, 7.0}, 4, 1).requiresGrad(true);
        Tensor loss = F.crossEntropy(logits, Tensor.ofInts(new int[] {0, 0, IGNORE, 0}, 4), IGNORE);
        assertEquals(0.0, loss.item());
        Autograd.backward(loss);
        for (double v : logits.grad().toDoubleArray()) assertEquals(0.0, v);
    }

    @Test
    void crossEntropyOfOnlyIgnoredRowsIsZeroWithZeroGradient() {
        Tensor logits = param(221, 4, 6);
        Tensor targets = Tensor.ofInts(new int[] {IGNORE, IGNORE, IGNORE, IGNORE}, 4);
        Tensor loss = F.crossEntropy(logits, targets, IGNORE);
        assertEquals(0.0, loss.item());
        Autograd.backward(loss);
        for (double v : logits.grad().toDoubleArray()) assertEquals(0.0, v);
        // No rows at all: also 0, not NaN.
        Tensor none = F.crossEntropy(Tensor.zeros(DType.F32, 0, 6), Tensor.ofInts(new int[0], 0), IGNORE);
        assertEquals(0.0, none.item());
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tensor logits = Tensor.of(new float[] {1e4f, -1e4f, 0f, 3e4f, 3e4f, -3e4f}, 2, 3);
        double loss = F.crossEntropy(logits, Tensor.ofInts(new int[] {1, 0}, 2), IGNORE)
                .item();
        // Row 0: 2e4; row 1: log 2.
        assertEquals((2e4 + Math.log(2)) / 2, loss, 1e-2);
    }

    @Test
    void softCrossEntropyMatchesReference() {
        int rows = 4, classes = 6;
        Tensor logits = Tensor.randn(231, 2.0, DType.F64, Device.CPU, rows, classes);
        Tensor q = Tensor.uniform(232, 0.0, 1.0, DType.F64, Device.CPU, rows, classes);
        double[] x = logits.toDoubleArray(), qv = q.toDoubleArray();
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            double lse = logSumExp(x, r * classes, classes);
            for (int c = 0; c < classes; c++) sum -= qv[r * classes + c] * (x[r * classes + c] - lse);
        }
        assertEquals(sum / rows, F.softCrossEntropy(logits, q).item(), 1e-12);
    }

    @Test
    void softCrossEntropyGradientsForLogitsAndTargets() {
        GradCheck.check(
                "softCrossEntropy[3x7]",
                in -> F.softCrossEntropy(in[0], in[1]),
                param(241, 3, 7),
                param(242, 0.0, 1.0, 3, 7));
        GradCheck.check(
                "softCrossEntropy[5x1x13]",
                in -> F.softCrossEntropy(in[0], in[1]),
                param(243, 5, 1, 13),
                param(244, 0.0, 1.0, 5, 1, 13));
        GradCheck.check(
                "softCrossEntropy[1 row]",
                in -> F.softCrossEntropy(in[0], in[1]),
                param(245, 1, 9),
                param(246, 0.0, 1.0, 1, 9));
        Tensor qFixed = Tensor.uniform(247, 0.0, 1.0, DType.F64, Device.CPU, 3, 7);
        GradCheck.check("softCrossEntropy[q constant]", in -> F.softCrossEntropy(in[0], qFixed), param(248, 3, 7));
        GradCheck.checkF32(
                "softCrossEntropy[5x1x13]",
                in -> F.softCrossEntropy(in[0], in[1]),
                param(243, 5, 1, 13),
                param(244, 0.0, 1.0, 5, 1, 13));
    }

    @Test
    void softCrossEntropyAllowsMinusInfinityWhereTheTargetIsZero() {
        double ninf = Double.NEGATIVE_INFINITY;
        Tensor logits = Tensor.of(new double[] {0, ninf, 1, 2, 0, ninf}, 2, 3);
        Tensor q = Tensor.of(new double[] {0.5, 0, 0.5, 0.2, 0.8, 0}, 2, 3);
        double loss = F.softCrossEntropy(logits, q).item();
        double l0 = Math.log(1 + Math.E), l1 = Math.log(Math.exp(2) + 1);
        double expected = (0.5 * l0 + 0.5 * (l0 - 1) + 0.2 * (l1 - 2) + 0.8 * l1) / 2;
        assertEquals(expected, loss, 1e-12);
    }

    // ------------------------------------------------------------------ embedding

    @Test
    void embeddingGathersRowsForAnyIdShape() {
        Tensor table = Tensor.randn(301, 1, DType.F64, Device.CPU, 7, 5);
        int[] ids = {3, 0, 3, 6, 1, 3};
        Tensor out = F.embedding(table, Tensor.ofInts(ids, 2, 1, 3));
        assertArrayEquals(new int[] {2, 1, 3, 5}, out.shape());
        double[] t = table.toDoubleArray(), o = out.toDoubleArray();
        for (int i = 0; i < ids.length; i++) for (int d = 0; d < 5; d++) assertEquals(t[ids[i] * 5 + d], o[i * 5 + d]);
        Tensor single = F.embedding(table, Tensor.ofInts(new int[] {6}));
        assertArrayEquals(new int[] {5}, single.shape());
    }

    @Test
    void embeddingGradientsWithRepeatedIds() {
        Tensor ids1 = Tensor.ofInts(new int[] {2, 2, 0, 6, 2, 0, 1, 2, 5, 2, 6, 0}, 3, 4);
        GradCheck.check("embedding[3x4 ids, repeats]", in -> F.embedding(in[0], ids1), param(311, 7, 5));
        Tensor ids2 = Tensor.ofInts(new int[] {0, 0, 0, 0, 0}, 5, 1);
        GradCheck.check("embedding[same id]", in -> F.embedding(in[0], ids2), param(312, 3, 13));
        Tensor ids3 = Tensor.ofInts(new int[] {1}, 1);
        GradCheck.check("embedding[1 id, D=1]", in -> F.embedding(in[0], ids3), param(313, 2, 1));
        GradCheck.checkF32("embedding[3x4 ids, repeats]", in -> F.embedding(in[0], ids1), param(311, 7, 5));
    }

    @Test
    void embeddingBackwardMatchesNaiveScatterAddInParallel() {
        // Large enough that threads split the columns; heavily skewed ids (half are 0, like [PAD]).
        int vocab = 50, dim = 300, n = 1001;
        SplittableRandom rng = new SplittableRandom(321);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = rng.nextBoolean() ? 0 : rng.nextInt(vocab);
        Tensor table = Tensor.randn(322, 1, DType.F64, Device.CPU, vocab, dim).requiresGrad(true);
        Tensor gy = Tensor.randn(323, 1, DType.F64, Device.CPU, n, dim);
        double[] expected = new double[vocab * dim], g = gy.toDoubleArray();
        for (int i = 0; i < n; i++) for (int d = 0; d < dim; d++) expected[ids[i] * dim + d] += g[i * dim + d];
        Tensor idTensor = Tensor.ofInts(ids, n);
        int before = CpuBackend.threads();
        try {
            for (int threads : new int[] {1, 2, 7}) {
                CpuBackend.setThreads(threads);
                Autograd.backward(F.embedding(table, idTensor), gy);
                // Same summation order per element whatever the thread count: identical results.
                assertClose(
                        expected,
                        table.grad().toDoubleArray(),
                        1e-12,
                        "embedding scatter-add, " + threads + " threads");
                table.zeroGrad();
            }
        } finally {
            CpuBackend.setThreads(before);
        }
    }

    // ------------------------------------------------------------------ L2 normalisation

    @Test
    void l2NormalizeMatchesTheMethodDefinition() {
        double[] x = Tensor.randn(401, 1, DType.F64, Device.CPU, 4, 6).toDoubleArray();
        for (int c = 0; c < 6; c++) x[6 + c] = 0; // a zero row: 0 / eps = 0, not NaN
        double[] y = F.l2Normalize(Tensor.of(x, 4, 6)).toDoubleArray();
        for (int r = 0; r < 4; r++) {
            double n = 0;
            for (int c = 0; c < 6; c++) n += x[r * 6 + c] * x[r * 6 + c];
            double denom = Math.max(Math.sqrt(n), 1e-12);
            for (int c = 0; c < 6; c++) assertEquals(x[r * 6 + c] / denom, y[r * 6 + c], 1e-15);
        }
    }

    @Test
    void l2NormalizeGradients() {
        GradCheck.check("l2Normalize[3x7]", in -> F.l2Normalize(in[0]), param(411, 3, 7));
        GradCheck.check("l2Normalize[5x1x13]", in -> F.l2Normalize(in[0]), param(412, 5, 1, 13));
        GradCheck.check("l2Normalize[1 row]", in -> F.l2Normalize(in[0]), param(413, 1, 9));
        GradCheck.check("l2Normalize[1 col]", in -> F.l2Normalize(in[0]), param(414, 4, 1));
        // Rows on both sides of a large eps: the clamped rows are x / eps, a linear map.
        double[] x = Tensor.randn(415, 1, DType.F64, Device.CPU, 6, 7).toDoubleArray();
        for (int i = 0; i < x.length; i++) if ((i / 7) % 2 == 1) x[i] *= 1e-3;
        Tensor mixed = Tensor.of(x, 6, 7).requiresGrad(true);
        GradCheck.check("l2Normalize[clamped rows]", in -> F.l2Normalize(in[0], 0.05), mixed);
        GradCheck.checkF32("l2Normalize[5x1x13]", in -> F.l2Normalize(in[0]), param(412, 5, 1, 13));
    }

    // ------------------------------------------------------------------ dropout

    @Test
    void dropoutGradientWithAFixedSeed() {
        GradCheck.check("dropout[3x7]", in -> F.dropout(in[0], 0.3, 42, true), param(501, 3, 7));
        GradCheck.check("dropout[5x1x13]", in -> F.dropout(in[0], 0.5, 7, true), param(502, 5, 1, 13));
        GradCheck.checkF32("dropout[5x1x13]", in -> F.dropout(in[0], 0.5, 7, true), param(502, 5, 1, 13));
    }

    @Test
    void dropoutIdentityCasesAndExtremes() {
        Tensor x = param(511, 3, 7);
        assertSame(x, F.dropout(x, 0.5, 1, false));
        assertSame(x, F.dropout(x, 0.0, 1, true));
        for (double v : F.dropout(x, 1.0, 1, true).toDoubleArray()) assertTrue(v == 0.0, "p = 1 keeps " + v);
    }

    @Test
    void dropoutMaskIsReproducibleUnbiasedAndThreadIndependent() {
        int n = 200_003;
        double p = 0.25;
        Tensor x = Tensor.uniform(521, 1.0, 2.0, DType.F32, Device.CPU, n);
        float[] xv = x.toFloatArray();
        float[] a, b, c;
        int before = CpuBackend.threads();
        try (GradMode off = GradMode.off()) {
            CpuBackend.setThreads(1);
            a = F.dropout(x, p, 99, true).toFloatArray();
            CpuBackend.setThreads(2);
            b = F.dropout(x, p, 99, true).toFloatArray();
            c = F.dropout(x, p, 100, true).toFloatArray();
        } finally {
            CpuBackend.setThreads(before);
        }
        assertArrayEquals(a, b, "same seed, 1 vs 2 threads");
        int dropped = 0, differ = 0;
        for (int i = 0; i < n; i++) {
            if (a[i] == 0) dropped++;
            else assertEquals(xv[i] / (1 - p), a[i], 1e-6);
            if ((a[i] == 0) != (c[i] == 0)) differ++;
        }
        double rate = dropped / (double) n;
        assertTrue(Math.abs(rate - p) < 0.005, "drop rate " + rate);
        // Two seeds should disagree on about 2 p (1 - p) = 37.5% of elements.
        assertTrue(Math.abs(differ / (double) n - 2 * p * (1 - p)) < 0.01, "seeds differ on " + differ);
        // Neighbouring elements are independent: P(both dropped) ~ p^2.
        int pairs = 0;
        for (int i = 0; i + 1 < n; i++) if (a[i] == 0 && a[i + 1] == 0) pairs++;
        assertTrue(Math.abs(pairs / (double) (n - 1) - p * p) < 0.005, "adjacent drops " + pairs);
    }

    /** The hash documented in wp/dropout.h, written again here so a CUDA twin has a reference. */
    private static long mix64(long z) {
        z ^= z >>> 30;
        z *= 0xbf58476d1ce4e5b9L;
        z ^= z >>> 27;
        z *= 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Test
    void dropoutMaskIsTheDocumentedHash() {
        long seed = -1234567890123L;
        double p = 0.3;
        int n = 5000;
        double[] y;
        try (Tensor ones = Tensor.ones(DType.F64, Device.CPU, n)) {
            y = F.dropout(ones, p, seed, true).toDoubleArray();
        }
        long key = mix64(seed);
        long threshold = (long) Math.floor(p * 4294967296.0);
        for (int i = 0; i < n; i++) {
            long u = mix64(key + (i + 1L) * 0x9e3779b97f4a7c15L) >>> 32;
            double expected = u < threshold ? 0.0 : 1.0 / (1 - p);
            assertEquals(expected, y[i], 1e-15, "element " + i);
        }
    }

    // ------------------------------------------------------------------ patchify

    @Test
    void patchifyThenLinearIsThePatchEmbeddingConvolution() {
        int bsz = 2, ch = 3, h = 8, w = 12, p = 4, width = 5;
        Tensor images = Tensor.randn(601, 1, DType.F64, Device.CPU, bsz, ch, h, w);
        Tensor weight = Tensor.randn(602, 1, DType.F64, Device.CPU, width, ch, p, p);
        Tensor bias = Tensor.randn(603, 1, DType.F64, Device.CPU, width);
        Tensor out = F.linear(F.patchify(images, p), F.reshape(weight, width, ch * p * p), bias);
        int gh = h / p, gw = w / p;
        assertArrayEquals(new int[] {bsz, gh * gw, width}, out.shape());
        double[] img = images.toDoubleArray(),
                wt = weight.toDoubleArray(),
                bs = bias.toDoubleArray(),
                o = out.toDoubleArray();
        // A naive stride-p convolution with a p x p kernel.
        for (int b = 0; b < bsz; b++)
            for (int oc = 0; oc < width; oc++)
                for (int py = 0; py < gh; py++)
                    for (int px = 0; px < gw; px++) {
                        double acc = bs[oc];
                        for (int c = 0; c < ch; c++)
                            for (int i = 0; i < p; i++)
                                for (int j = 0; j < p; j++)
                                    acc += wt[((oc * ch + c) * p + i) * p + j]
                                            * img[((b * ch + c) * h + py * p + i) * w + px * p + j];
                        assertEquals(
                                acc,
                                o[(b * gh * gw + py * gw + px) * width + oc],
                                1e-12,
                                "conv output b=" + b + " oc=" + oc + " py=" + py + " px=" + px);
                    }
    }

    @Test
    void patchifyGradients() {
        GradCheck.check("patchify[2x3x4x6,p2]", in -> F.patchify(in[0], 2), param(611, 2, 3, 4, 6));
        GradCheck.check("patchify[1x1x3x3,p3]", in -> F.patchify(in[0], 3), param(612, 1, 1, 3, 3));
        GradCheck.check("patchify[1x2x3x5,p1]", in -> F.patchify(in[0], 1), param(613, 1, 2, 3, 5));
        GradCheck.check(
                "patchify+linear",
                in -> F.linear(F.patchify(in[0], 2), in[1], in[2]),
                param(614, 2, 3, 4, 6),
                param(615, 5, 12),
                param(616, 5));
        GradCheck.checkF32("patchify[2x3x4x6,p2]", in -> F.patchify(in[0], 2), param(611, 2, 3, 4, 6));
    }

    @Test
    void patchifyLargeImagesInParallelRoundTrip() {
        // ViT-sized input: the forward and the backward (unpatchify) are inverse permutations.
        Tensor images =
                Tensor.randn(621, 1, DType.F32, Device.CPU, 4, 3, 96, 32).requiresGrad(true);
        Tensor patches = F.patchify(images, 16);
        assertArrayEquals(new int[] {4, 6 * 2, 3 * 16 * 16}, patches.shape());
        Autograd.backward(patches, patches.copy());
        assertNotNull(images.grad());
        assertArrayEquals(images.toFloatArray(), images.grad().toFloatArray());
        assertFalse(patches.isClosed());
    }
}
