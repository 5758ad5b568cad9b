package io.weakpair.io;

/**
 * Widening of the two 16-bit float formats found in checkpoints to float32, bit-exact
 * (every half and bfloat16 value, subnormals, infinities and NaN included, is a float).
 */
public final class HalfFloats {
    private HalfFloats() {}

    /** IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits) to float. */
    public static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1f;
        int mantissa = h & 0x3ff;
        if (exponent == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13)); // inf / NaN
        if (exponent != 0) return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
        if (mantissa == 0) return Float.intBitsToFloat(sign); // signed zero
        // Subnormal half: mantissa * 2^-24, exact in float.
        float magnitude = mantissa * 0x1p-24f;
        return sign != 0 ? -magnitude : magnitude;
    }

    /** bfloat16 (the upper half of a float32) to float. */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
