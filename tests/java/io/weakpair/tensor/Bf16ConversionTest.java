package io.weakpair.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.testing.Misuse;
import io.weakpair.testing.ScopePerTest;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Tensor#toDType} to and from BF16 against reference roundings written here, apart from
 * the native kernels: for float32, the kept and dropped halves of the bit pattern compared with
 * the midpoint; for float64, the nearer of the two bfloat16 neighbours by exact decimal distance.
 */
@ExtendWith(ScopePerTest.class)
class Bf16ConversionTest {

    /** Round to nearest even from the bit pattern: up when the dropped half is above 0x8000, or at it with an odd kept half. */
    static int referenceBits(float f) {
        int bits = Float.floatToRawIntBits(f);
        int kept = bits >>> 16, dropped = bits & 0xffff;
        if (dropped > 0x8000 || (dropped == 0x8000 && (kept & 1) == 1)) kept++;
        return kept & 0xffff;
    }

    /** The value of a bfloat16 magnitude, 0x7f80 standing for 2^128 (the next value up, for the overflow rule). */
    private static BigDecimal magnitude(int m) {
        if (m == 0x7f80) return new BigDecimal(Math.scalb(1.0, 128));
        return new BigDecimal((double) Float.intBitsToFloat(m << 16));
    }

    /** The nearest bfloat16 of a non-NaN double, ties to even, by exact decimal arithmetic. */
    static int referenceBits(double d) {
        int sign = (Double.doubleToRawLongBits(d) < 0) ? 0x8000 : 0;
        double a = Math.abs(d);
        if (Double.isInfinite(a) || a >= Math.scalb(1.0, 128)) return sign | 0x7f80;
        float f = (float) a;
        if ((double) f > a) f = Math.nextDown(f);
        int lo = Float.floatToRawIntBits(f) >>> 16; // the largest bfloat16 not above a
        BigDecimal x = new BigDecimal(a);
        int c = x.subtract(magnitude(lo)).compareTo(magnitude(lo + 1).subtract(x));
        int m = c < 0 ? lo : c > 0 ? lo + 1 : ((lo & 1) == 0 ? lo : lo + 1);
        return sign | m;
    }

    static short[] bits(Tensor bf16) {
        assertEquals(DType.BF16, bf16.dtype());
        byte[] raw = new byte[(int) bf16.numel() * 2];
        try (Tensor c = bf16.contiguous()) {
            c.backend().downloadBytes(c, raw);
        }
        short[] out = new short[raw.length / 2];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(out);
        return out;
    }

    static Tensor fromBits(short[] h, int... shape) {
        ByteBuffer b = ByteBuffer.allocate(h.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        b.asShortBuffer().put(h);
        Tensor t = Tensor.empty(DType.BF16, shape);
        t.backend().uploadBytes(t, b.array());
        return t;
    }

    private static boolean isBf16NaN(int h) {
        return (h & 0x7f80) == 0x7f80 && (h & 0x7f) != 0;
    }

    private static void assertRoundsLikeTheReference(float[] x) {
        short[] got = bits(Tensor.of(x, x.length).toDType(DType.BF16));
        for (int i = 0; i < x.length; i++) {
            int g = got[i] & 0xffff;
            if (Float.isNaN(x[i])) {
                assertTrue(
                        isBf16NaN(g),
                        "NaN " + Integer.toHexString(Float.floatToRawIntBits(x[i])) + " -> " + Integer.toHexString(g));
                assertEquals(Float.floatToRawIntBits(x[i]) >>> 31, g >>> 15, "NaN keeps its sign");
            } else {
                int want = referenceBits(x[i]);
                if (want != g) assertEquals(want, g, "F32 0x" + Integer.toHexString(Float.floatToRawIntBits(x[i])));
            }
        }
    }

    @Test
    void namedEdgeCasesRoundAsIeeeSays() {
        // {input bits, expected bfloat16}: zeros, infinities, ties both ways, carry into the exponent,
        // overflow to infinity, subnormals (bfloat16 keeps float32's exponent range, so they survive).
        int[][] cases = {
            {0x00000000, 0x0000}, {0x80000000, 0x8000}, {0x7f800000, 0x7f80}, {0xff800000, 0xff80},
            {0x3f808000, 0x3f80}, {0x3f818000, 0x3f82}, {0x3f808001, 0x3f81}, {0x3f807fff, 0x3f80},
            {0x3fffc000, 0x4000}, {0x7f7fffff, 0x7f80}, {0xff7fffff, 0xff80}, {0x7f7f8000, 0x7f80},
            {0x7f7f7fff, 0x7f7f}, {0x00000001, 0x0000}, {0x80000001, 0x8000}, {0x00010000, 0x0001},
            {0x00008000, 0x0000}, {0x00018000, 0x0002}, {0x007fffff, 0x0080}, {0x80018001, 0x8002},
        };
        float[] x = new float[cases.length];
        for (int i = 0; i < cases.length; i++) x[i] = Float.intBitsToFloat(cases[i][0]);
        short[] got = bits(Tensor.of(x, x.length).toDType(DType.BF16));
        for (int i = 0; i < cases.length; i++) {
            assertEquals(cases[i][1], got[i] & 0xffff, "input 0x" + Integer.toHexString(cases[i][0]));
            assertEquals(
                    cases[i][1], referenceBits(x[i]), "the reference itself on 0x" + Integer.toHexString(cases[i][0]));
        }
        // NaNs, quiet and signalling, with payload only in the dropped half (truncation would give infinity).
        int[] nans = {0x7fc00000, 0x7f800001, 0x7f80ffff, 0xff800001, 0xffc00000, 0x7fffffff};
        float[] n = new float[nans.length];
        for (int i = 0; i < nans.length; i++) n[i] = Float.intBitsToFloat(nans[i]);
        assertRoundsLikeTheReference(n);
    }

    @Test
    void everyUpperHalfWithTheDroppedHalvesThatDecide() {
        int[] lows = {0x0000, 0x0001, 0x7fff, 0x8000, 0x8001, 0xffff};
        float[] x = new float[65536 * lows.length];
        int k = 0;
        for (int hi = 0; hi < 65536; hi++) for (int lo : lows) x[k++] = Float.intBitsToFloat(hi << 16 | lo);
        assertRoundsLikeTheReference(x);
    }

    @Test
    void largeRandomSampleOfFloat32BitPatterns() {
        SplittableRandom rng = new SplittableRandom(21);
        float[] x = new float[1 << 20];
        for (int i = 0; i < x.length; i++) x[i] = Float.intBitsToFloat(rng.nextInt());
        assertRoundsLikeTheReference(x);
    }

    @Test
    void everyBf16WidensExactlyToF32AndF64AndNarrowsBack() {
        short[] all = new short[65536];
        for (int i = 0; i < all.length; i++) all[i] = (short) i;
        Tensor b = fromBits(all, 256, 256);
        float[] f = b.toDType(DType.F32).toFloatArray();
        double[] d = b.toDoubleArray();
        for (int i = 0; i < all.length; i++) {
            assertEquals(i << 16, Float.floatToRawIntBits(f[i]), "widened bits of 0x" + Integer.toHexString(i));
            if (!Float.isNaN(f[i])) assertEquals((double) f[i], d[i], 0, "F64 value of 0x" + Integer.toHexString(i));
            else assertTrue(Double.isNaN(d[i]));
        }
        short[] viaF32 = bits(Tensor.of(f, 256, 256).toDType(DType.BF16));
        short[] viaF64 = bits(Tensor.of(d, 256, 256).toDType(DType.BF16));
        for (int i = 0; i < all.length; i++) {
            if (isBf16NaN(i)) continue;
            assertEquals(i, viaF32[i] & 0xffff, "F32 round trip of 0x" + Integer.toHexString(i));
            assertEquals(i, viaF64[i] & 0xffff, "F64 round trip of 0x" + Integer.toHexString(i));
        }
        short[] copy = bits(b.toDType(DType.BF16));
        assertArrayEquals(all, copy, "BF16 -> BF16 is a copy, NaN payloads included");
    }

    @Test
    void float64RoundsOnceNotTwice() {
        SplittableRandom rng = new SplittableRandom(8);
        int n = 60_000;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            if (i % 3
                    == 0) { // a bfloat16 midpoint nudged by a double ulp: where going through float32 would round twice
                int hi = rng.nextInt(0x7f7f);
                double mid = magnitude(hi)
                        .add(magnitude(hi + 1))
                        .divide(BigDecimal.valueOf(2))
                        .doubleValue();
                x[i] = (rng.nextBoolean() ? -1 : 1) * (i % 2 == 0 ? Math.nextUp(mid) : Math.nextDown(mid));
            } else {
                x[i] = Math.scalb(rng.nextDouble(-1, 1), rng.nextInt(-150, 140));
            }
        }
        x[0] = 1.0 + 0x1p-8 + 0x1p-30; // above the midpoint by 2^-30, which a float32 rounded to nearest loses
        short[] got = bits(Tensor.of(x, n).toDType(DType.BF16));
        assertEquals(0x3f81, got[0] & 0xffff, "1 + 2^-8 + 2^-30 rounds up");
        for (int i = 0; i < n; i++) {
            int want = referenceBits(x[i]);
            if (want != (got[i] & 0xffff)) assertEquals(want, got[i] & 0xffff, "F64 " + x[i]);
        }
    }

    @Test
    void fillsCopiesViewsAndReadsWorkOnBf16() {
        Tensor t = Tensor.full(1.0 + 0x1p-8 + 0x1p-30, DType.BF16, Device.CPU, 3, 4);
        for (short s : bits(t)) assertEquals(0x3f81, s & 0xffff, "fill rounds the double once");
        assertEquals(1.0078125, Tensor.full(1.0078125, DType.BF16, Device.CPU).item(), 0, "item() of a BF16 scalar");
        Tensor r = Tensor.randn(5, 1, DType.BF16, Device.CPU, 4, 6);
        double[] draw = Tensor.randn(5, 1, DType.F64, Device.CPU, 4, 6).toDoubleArray();
        float[] rf = r.toFloatArray();
        for (int i = 0; i < rf.length; i++)
            assertEquals(
                    Float.intBitsToFloat(referenceBits(draw[i]) << 16),
                    rf[i],
                    0,
                    "randn in BF16 is the F64 draw rounded once");
        Tensor transposed = r.view(new int[] {6, 4}, new long[] {1, 6}, 0);
        float[] tf = transposed.contiguous().toFloatArray();
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 4; j++) assertEquals(rf[j * 6 + i], tf[i * 4 + j], 0, "strided BF16 copy");
        assertEquals(2, DType.BF16.byteSize());
        assertEquals(24 * 2, r.storage().bytes(), "two bytes an element");
    }

    @Test
    void bf16ToIntegerCastsAreRefusedByName() {
        Tensor b = Tensor.zeros(DType.BF16, 3);
        Misuse.rejects(b::toIntArray, "cast", "BF16", "I32");
        Misuse.rejects(() -> Tensor.ofLongs(new long[] {1, 2}, 2).toDType(DType.BF16), "cast", "I64", "BF16");
    }
}
