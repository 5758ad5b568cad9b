package io.weakpair.backend.checks;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

import java.util.Arrays;

import static io.weakpair.backend.checks.KernelArgs.*;

/**
 * wp/runtime.h and wp/elementwise.h: fills, strided copies, casts, unary ops and reductions.
 * (This is also the home for the CPU backend's copy/cast/binary/unary checks.)
 */
public final class ElementwiseChecks {
    private ElementwiseChecks() {}

    public static void fill(Device device, Tensor dst) { resident("fill", device, dst); }

    /** Strided on both sides, so residency and shape only. */
    public static void copy(Device device, Tensor src, Tensor dst) {
        onDevice("copy", device, src, dst);
        if (src.dtype() != dst.dtype() || !Arrays.equals(src.shape(), dst.shape()))
            throw new IllegalArgumentException("copy: " + src.describe() + " and " + dst.describe() + " differ in dtype or shape");
    }

    public static void cast(Device device, Tensor src, Tensor dst) {
        resident("cast", device, src, dst);
        if (src.numel() != dst.numel())
            throw new IllegalArgumentException("cast: " + src.describe() + " and " + dst.describe() + " differ in size");
    }

    public static void unary(Device device, Tensor x, Tensor y) {
        resident("unary", device, x, y);
        sameSize("unary", x, y);
    }

    /** x or y may be null (each op's derivative reads one of them). */
    public static void unaryBackward(Device device, Tensor x, Tensor y, Tensor gy, Tensor gx) {
        resident("unaryBackward", device, x, y, gy, gx);
        sameSize("unaryBackward", gy, x, y, gx);
    }

    /** Broadcasting operands carry stride 0, so residency only; the op checked the broadcast. */
    public static void binary(String op, Device device, Tensor a, Tensor b, Tensor out) { onDevice(op, device, a, b, out); }

    /** Fused bias + GELU: x and y [rows, n] of one dtype, bias [n]. Returns n. */
    public static long biasGelu(Device device, Tensor x, Tensor bias, Tensor y) {
        String op = "biasGelu";
        resident(op, device, required(op, x, "x"), required(op, bias, "bias"), required(op, y, "y"));
        long n = lastDim(op, x);
        sized(op, bias, n, x.dtype());
        sameSize(op, x, y);
        return n;
    }

    /** Its backward: gy and gx like x, bias and gbias (optional) [n]. Returns n. */
    public static long biasGeluBackward(Device device, Tensor x, Tensor bias, Tensor gy, Tensor gx, Tensor gbias) {
        String op = "biasGeluBackward";
        resident(op, device, required(op, x, "x"), required(op, bias, "bias"), required(op, gy, "gy"),
                required(op, gx, "gx"), gbias);
        long n = lastDim(op, x);
        sized(op, bias, n, x.dtype());
        sized(op, gbias, n, x.dtype());
        sameSize(op, x, gy, gx);
        return n;
    }

    public static void reduceSum(Device device, Tensor x, long outer, long axis, long inner, Tensor out) {
        resident("reduceSum", device, x, out);
        if (outer < 0 || axis < 0 || inner < 0 || outer * axis * inner != x.numel() || outer * inner != out.numel()
                || x.dtype() != out.dtype())
            throw new IllegalArgumentException("reduceSum: [" + outer + ", " + axis + ", " + inner + "] does not fit "
                    + x.describe() + " -> " + out.describe());
    }

    /** sumSquares and hasNonFinite: one dense input. */
    public static void reduction(String op, Device device, Tensor x) { resident(op, device, x); }
}
