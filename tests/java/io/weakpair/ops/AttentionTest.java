package io.weakpair.ops;

import static io.weakpair.testing.GradCheck.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.MemoryStats;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.GradCheck;
import io.weakpair.testing.ScopePerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * The fused attention op: float64 gradient checks, F32 against F64, agreement with the same
 * attention composed from matmul + softmax + mask bias, fully masked rows, memory, misuse.
 */
@ExtendWith(ScopePerTest.class)
class AttentionTest {

    // ------------------------------------------------------------------ inputs

    /** Key mask [b, lk]: batch 0 attends to its first `firstValid` keys, with a hole at key 1;
     *  the batch `fullyMasked` (if >= 0) attends to nothing; other batches to every key but the
     *  last. Nonzero values other than 1 mean "attend" too. */
    private static Tensor mask(int b, int lk, int firstValid, int fullyMasked) {
        int[] m = new int[b * lk];
        for (int i = 0; i < b; i++)
            for (int j = 0; j < lk; j++) {
                int on;
                if (i == fullyMasked) on = 0;
                else if (i == 0) on = j < firstValid && j != 1 ? 1 + j % 3 : 0;
                else on = j < lk - 1 || lk == 1 ? 1 : 0;
                m[i * lk + j] = on;
            }
        return Tensor.ofInts(m, b, lk);
    }

    private static Tensor[] qkv(long seed, int b, int h, int lq, int lk, int dh) {
        return new Tensor[] {param(seed, b, h, lq, dh), param(seed + 1, b, h, lk, dh), param(seed + 2, b, h, lk, dh)};
    }

    private static double relativeError(double[] got, double[] want) {
        double d2 = 0, n2 = 0;
        for (int i = 0; i < want.length; i++) {
            d2 += (got[i] - want[i]) * (got[i] - want[i]);
            n2 += want[i] * want[i];
        }
        return Math.sqrt(d2) / Math.max(Math.sqrt(n2), 1e-300);
    }

    // ------------------------------------------------------------------ gradients (float64)

    @Test
    void gradientsOfSelfAttention() {
        Tensor[] in = qkv(1, 2, 3, 5, 5, 4);
        GradCheck.check("attention[self]", t -> F.attention(t[0], t[1], t[2], null), in);
    }

    @Test
    void gradientsOfCrossAttentionWithAndWithoutMask() {
        Tensor[] in = qkv(11, 2, 3, 5, 7, 4);
        GradCheck.check("attention[cross]", t -> F.attention(t[0], t[1], t[2], null), in);
        Tensor m = mask(2, 7, 5, -1);
        GradCheck.check("attention[cross,mask]", t -> F.attention(t[0], t[1], t[2], m, 0.37), in);
        // More queries than keys, a single head dimension.
        Tensor[] wide = qkv(21, 2, 1, 9, 3, 1);
        GradCheck.check("attention[lq>lk,dh=1]", t -> F.attention(t[0], t[1], t[2], mask(2, 3, 3, -1)), wide);
    }

    @Test
    void gradientsWithAFullyMaskedBatch() {
        Tensor[] in = qkv(31, 3, 2, 4, 6, 3);
        Tensor m = mask(3, 6, 4, 1);
        GradCheck.check("attention[fully masked batch]", t -> F.attention(t[0], t[1], t[2], m), in);
    }

    @Test
    void gradientsAcrossSeveralQueryAndKeyTiles() {
        // 70 queries and 67 keys span two tiles of each; keys 60.. of batch 0 are masked, so one
        // key tile has no key at all.
        Tensor[] in = qkv(41, 2, 2, 70, 67, 5);
        Tensor m = mask(2, 67, 60, -1);
        GradCheck.check("attention[tiles,mask]", t -> F.attention(t[0], t[1], t[2], m), in);
    }

    @Test
    void onlySomeInputsRequireGradients() {
        Tensor q = param(51, 1, 2, 3, 4);
        Tensor k = Tensor.randn(52, 1.0, DType.F64, Device.CPU, 1, 2, 5, 4);
        Tensor v = param(53, 1, 2, 5, 4);
        GradCheck.check("attention[q,v only]", t -> F.attention(t[0], t[1], t[2], null), q, k, v);
        assertEquals(null, k.grad());
    }

    @Test
    void oneTensorAsQueriesKeysAndValuesAccumulatesThreeGradients() {
        GradCheck.check("attention[x,x,x]", t -> F.attention(t[0], t[0], t[0], null), param(55, 2, 2, 6, 3));
    }

    // ------------------------------------------------------------------ F32 against F64

    @Test
    void float32MatchesFloat64() {
        Tensor[] in = qkv(61, 2, 3, 5, 7, 4);
        GradCheck.checkF32("attention[cross]", t -> F.attention(t[0], t[1], t[2], null), in);
        Tensor m = mask(2, 7, 6, 1);
        GradCheck.checkF32("attention[mask]", t -> F.attention(t[0], t[1], t[2], m), in);
        Tensor[] big = qkv(71, 2, 2, 97, 130, 64);
        Tensor mb = mask(2, 130, 100, -1);
        GradCheck.checkF32("attention[97x130x64]", t -> F.attention(t[0], t[1], t[2], mb), big);
    }

    // ------------------------------------------------------------------ fused against composed

    /** Output and the gradients of q, k and v of sum(out * w), fused and composed. */
    private static void assertFusedMatchesComposed(
            String what,
            DType dtype,
            double tolerance,
            int b,
            int h,
            int lq,
            int lk,
            int dh,
            Tensor keyMask,
            double scale) {
        double[][] results = new double[2][];
        double[][][] grads = new double[2][3][];
        for (int variant = 0; variant < 2; variant++) {
            try (Scope s = Scope.open()) {
                Tensor q = Tensor.randn(7, 1.0, dtype, Device.CPU, b, h, lq, dh).requiresGrad(true);
                Tensor k = Tensor.randn(8, 1.0, dtype, Device.CPU, b, h, lk, dh).requiresGrad(true);
                Tensor v = Tensor.randn(9, 1.0, dtype, Device.CPU, b, h, lk, dh).requiresGrad(true);
                Tensor w = Tensor.uniform(10, -1, 1, dtype, Device.CPU, b, h, lq, dh);
                Tensor out = variant == 0
                        ? F.attention(q, k, v, keyMask, scale)
                        : ComposedAttention.apply(q, k, v, keyMask, scale);
                Autograd.backward(F.sum(F.mul(out, w)));
                results[variant] = out.toDoubleArray();
                grads[variant][0] = q.grad().toDoubleArray();
                grads[variant][1] = k.grad().toDoubleArray();
                grads[variant][2] = v.grad().toDoubleArray();
            }
        }
        double eOut = relativeError(results[0], results[1]);
        double eq = relativeError(grads[0][0], grads[1][0]);
        double ek = relativeError(grads[0][1], grads[1][1]);
        double ev = relativeError(grads[0][2], grads[1][2]);
        System.out.printf(
                "fused-vs-composed %-26s %s out %.2e gq %.2e gk %.2e gv %.2e%n", what, dtype, eOut, eq, ek, ev);
        assertTrue(eOut <= tolerance, what + ": output differs by " + eOut);
        assertTrue(eq <= tolerance, what + ": gq differs by " + eq);
        assertTrue(ek <= tolerance, what + ": gk differs by " + ek);
        assertTrue(ev <= tolerance, what + ": gv differs by " + ev);
    }

    @Test
    void fusedMatchesComposedAttention() {
        for (DType dtype : new DType[] {DType.F64, DType.F32}) {
            double tol = dtype == DType.F64 ? 1e-12 : 1e-5;
            assertFusedMatchesComposed("self 2x3x5x5x4", dtype, tol, 2, 3, 5, 5, 4, null, 0.5);
            assertFusedMatchesComposed("cross+mask 2x3x5x7x4", dtype, tol, 2, 3, 5, 7, 4, mask(2, 7, 5, -1), 0.5);
            assertFusedMatchesComposed(
                    "masked batch 3x2x33x65x8", dtype, tol, 3, 2, 33, 65, 8, mask(3, 65, 40, 2), 1 / Math.sqrt(8));
            assertFusedMatchesComposed("vit 2x2x197x197x64", dtype, tol, 2, 2, 197, 197, 64, null, 0.125);
            assertFusedMatchesComposed(
                    "text-image 2x2x50x197x32", dtype, tol, 2, 2, 50, 197, 32, null, 1 / Math.sqrt(32));
        }
    }

    // ------------------------------------------------------------------ fully masked rows

    @Test
    void fullyMaskedRowsGiveZeroOutputAndZeroGradients() {
        int b = 2, h = 2, lq = 3, lk = 4, dh = 5;
        Tensor q = param(81, b, h, lq, dh), k = param(82, b, h, lk, dh), v = param(83, b, h, lk, dh);
        Tensor m = Tensor.ofInts(new int[] {1, 0, 1, 0, 0, 0, 0, 0}, b, lk); // batch 1 attends to nothing
        Tensor out = F.attention(q, k, v, m);
        Autograd.backward(F.sum(F.mul(out, Tensor.uniform(84, -1, 1, DType.F64, Device.CPU, b, h, lq, dh))));
        double[] o = out.toDoubleArray(),
                gq = q.grad().toDoubleArray(),
                gk = k.grad().toDoubleArray(),
                gv = v.grad().toDoubleArray();
        int perBatchQ = h * lq * dh, perBatchK = h * lk * dh;
        for (int i = 0; i < o.length; i++) {
            assertTrue(Double.isFinite(o[i]) && Double.isFinite(gq[i]), "non-finite value at " + i);
            if (i >= perBatchQ) {
                assertEquals(0.0, o[i], "output of a fully masked row at " + i);
                assertEquals(0.0, gq[i], "gq of a fully masked row at " + i);
            }
        }
        for (int i = 0; i < gk.length; i++) {
            assertTrue(Double.isFinite(gk[i]) && Double.isFinite(gv[i]), "non-finite gradient at " + i);
            int key = (i / dh) % lk;
            boolean attended = i < perBatchK && (key == 0 || key == 2);
            if (!attended) {
                assertEquals(0.0, gk[i], "gk of a masked key at " + i);
                assertEquals(0.0, gv[i], "gv of a masked key at " + i);
            }
        }
        // Batch 0 is real attention: its output is not zero.
        double norm = 0;
        for (int i = 0; i < perBatchQ; i++) norm += o[i] * o[i];
        assertTrue(norm > 0);
    }

    @Test
    void softmaxOfOneKeyReturnsItsValue() {
        // With a single attended key every query returns that key's value, whatever the scores.
        Tensor q = Tensor.randn(91, 3.0, DType.F32, Device.CPU, 1, 2, 4, 3);
        Tensor k = Tensor.randn(92, 3.0, DType.F32, Device.CPU, 1, 2, 5, 3);
        Tensor v = Tensor.randn(93, 1.0, DType.F32, Device.CPU, 1, 2, 5, 3);
        Tensor m = Tensor.ofInts(new int[] {0, 0, 7, 0, 0}, 1, 5);
        float[] o = F.attention(q, k, v, m).toFloatArray();
        float[] vv = v.toFloatArray();
        for (int head = 0; head < 2; head++)
            for (int i = 0; i < 4; i++)
                for (int d = 0; d < 3; d++) assertEquals(vv[(head * 5 + 2) * 3 + d], o[(head * 4 + i) * 3 + d], 1e-6f);
    }

    // ------------------------------------------------------------------ memory

    /** Peak bytes of tensor storage above the live bytes at the start of forward + backward. */
    private static long peakExtraBytes(boolean fused, Tensor q, Tensor k, Tensor v, Tensor m) {
        long before = MemoryStats.liveBytes(Device.Kind.CPU);
        MemoryStats.resetPeak(Device.Kind.CPU);
        try (Scope s = Scope.open()) {
            Tensor out = fused ? F.attention(q, k, v, m) : ComposedAttention.apply(q, k, v, m);
            Autograd.backward(F.sum(out));
        }
        long peak = MemoryStats.peakBytes(Device.Kind.CPU) - before;
        q.zeroGrad();
        k.zeroGrad();
        v.zeroGrad();
        assertEquals(before, MemoryStats.liveBytes(Device.Kind.CPU), "attention leaked tensor storage");
        return peak;
    }

    @Test
    void fusedAttentionDoesNotStoreTheScoreMatrixAndFreesEverything() {
        int b = 1, h = 2, l = 256, dh = 16;
        Tensor q = Tensor.randn(101, 1.0, DType.F32, Device.CPU, b, h, l, dh).requiresGrad(true);
        Tensor k = Tensor.randn(102, 1.0, DType.F32, Device.CPU, b, h, l, dh).requiresGrad(true);
        Tensor v = Tensor.randn(103, 1.0, DType.F32, Device.CPU, b, h, l, dh).requiresGrad(true);
        Tensor m = mask(b, l, 200, -1);
        long fused = peakExtraBytes(true, q, k, v, m);
        long composed = peakExtraBytes(false, q, k, v, m);
        long scoreBytes = (long) b * h * l * l * 4;
        System.out.printf(
                "attention peak extra bytes: fused %d, composed %d, one score matrix %d%n",
                fused, composed, scoreBytes);
        assertTrue(
                fused < scoreBytes, "fused attention peaked at " + fused + " bytes, a score matrix is " + scoreBytes);
        assertTrue(composed > 2 * scoreBytes, "the composed baseline should hold several score matrices: " + composed);
    }

    // ------------------------------------------------------------------ misuse

    private static void assertRejected(Class<? extends Throwable> type, String mustContain, Executable call) {
        Throwable t = assertThrows(type, call);
        assertTrue(
                t.getMessage() != null && t.getMessage().contains(mustContain),
                "message should name '" + mustContain + "': " + t.getMessage());
    }

    @Test
    void misuseIsAnExceptionNamingTheOp() {
        Tensor q = param(111, 2, 3, 5, 4), k = param(112, 2, 3, 7, 4), v = param(113, 2, 3, 7, 4);
        Tensor m = mask(2, 7, 7, -1);
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        assertRejected(iae, "attention", () -> F.attention(param(114, 3, 5, 4), k, v, null));
        assertRejected(iae, "attention", () -> F.attention(q, param(115, 3, 7, 4), v, null));
        assertRejected(iae, "attention", () -> F.attention(q, k, param(116, 2, 3, 7, 4, 1), null));
        assertRejected(iae, "headDim", () -> F.attention(q, param(117, 2, 3, 7, 5), param(118, 2, 3, 7, 5), null));
        assertRejected(iae, "attention", () -> F.attention(q, param(119, 1, 3, 7, 4), param(120, 1, 3, 7, 4), null));
        assertRejected(iae, "attention", () -> F.attention(q, param(121, 2, 2, 7, 4), param(122, 2, 2, 7, 4), null));
        assertRejected(iae, "v", () -> F.attention(q, k, param(123, 2, 3, 6, 4), null));
        assertRejected(iae, "keyMask", () -> F.attention(q, k, v, mask(2, 6, 6, -1)));
        assertRejected(iae, "keyMask", () -> F.attention(q, k, v, Tensor.ofInts(new int[7], 7)));
        assertRejected(iae, "keyMask", () -> F.attention(q, k, v, Tensor.zeros(DType.F32, 2, 7)));
        assertRejected(iae, "attention", () -> F.attention(q, k.toDType(DType.F32), v, null));
        assertRejected(iae, "attention", () -> F.attention(q, k, v, m, Double.NaN));
        assertRejected(
                iae,
                "attention",
                () -> F.attention(
                        Tensor.zeros(DType.I32, 2, 3, 5, 4),
                        Tensor.zeros(DType.I32, 2, 3, 7, 4),
                        Tensor.zeros(DType.I32, 2, 3, 7, 4),
                        null));
        assertRejected(
                iae,
                "attention",
                () -> F.attention(
                        Tensor.empty(DType.F64, 2, 3, 5, 0),
                        Tensor.empty(DType.F64, 2, 3, 7, 0),
                        Tensor.empty(DType.F64, 2, 3, 7, 0),
                        null));

        Tensor closed = param(124, 2, 3, 5, 4);
        closed.close();
        assertRejected(IllegalStateException.class, "attention", () -> F.attention(closed, k, v, m));
        assertRejected(IllegalStateException.class, "attention", () -> F.attention(q, k, closed, m));
        Tensor closedMask = mask(2, 7, 7, -1);
        closedMask.close();
        assertRejected(IllegalStateException.class, "attention", () -> F.attention(q, k, v, closedMask));
        // The op still works after all that.
        try (GradMode off = GradMode.off()) {
            assertArrayEquals(new int[] {2, 3, 5, 4}, F.attention(q, k, v, m).shape());
        }
    }

    @Test
    void emptyKeyOrQuerySets() {
        try (GradMode off = GradMode.off()) {
            Tensor q = Tensor.randn(131, 1.0, DType.F64, Device.CPU, 1, 1, 3, 2);
            Tensor k = Tensor.empty(DType.F64, 1, 1, 0, 2); // no keys (nothing to fill)
            double[] o = F.attention(q, k, k, null).toDoubleArray();
            assertArrayEquals(new double[6], o);
            Tensor noQueries = Tensor.empty(DType.F64, 1, 1, 0, 2);
            Tensor kk = Tensor.randn(132, 1.0, DType.F64, Device.CPU, 1, 1, 4, 2);
            assertArrayEquals(
                    new int[] {1, 1, 0, 2}, F.attention(noQueries, kk, kk, null).shape());
        }
    }
}
