package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.backend.BinaryOp;
import io.weakpair.backend.UnaryOp;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;

/** wp/runtime.h and wp/elementwise.h: fills, strided copies, casts, binary and unary ops, reductions. */
public final class ElementwiseChecks {
    private ElementwiseChecks() {}

    public static void fill(Device device, Tensor dst) {
        residentStorage("fill", device, required("fill", dst, "destination"));
    }

    /** Strided on both sides (their views are inside their storage by construction), so residency, dtype and shape. */
    public static void copy(Device device, Tensor src, Tensor dst) {
        onDeviceStorage("copy", device, required("copy", src, "source"), required("copy", dst, "destination"));
        if (src.dtype() != dst.dtype() || !Arrays.equals(src.shape(), dst.shape()))
            throw new IllegalArgumentException(
                    "copy: " + src.describe() + " and " + dst.describe() + " differ in dtype or shape");
    }

    /** Same size; BF16 converts to and from F32, F64 and itself only (the kernel has no integer path for it). */
    public static void cast(Device device, Tensor src, Tensor dst) {
        residentStorage("cast", device, required("cast", src, "source"), required("cast", dst, "destination"));
        if (src.numel() != dst.numel())
            throw new IllegalArgumentException(
                    "cast: " + src.describe() + " and " + dst.describe() + " differ in size");
        boolean storage = src.dtype().isStorageOnly() || dst.dtype().isStorageOnly();
        if (storage && (!src.dtype().isFloating() || !dst.dtype().isFloating()))
            throw new IllegalArgumentException("cast: " + src.dtype() + " to " + dst.dtype() + " is not supported ("
                    + src.describe() + " -> " + dst.describe() + "): BF16 converts to and from F32 and F64 only");
    }

    /**
     * a, b and out share out's shape (the caller broadcast them: broadcast operands carry stride
     * 0, so residency but not density) and dtype. Integer division is refused: a zero divisor
     * (or MIN / -1) traps in native code and kills the process.
     */
    public static void binary(Device device, BinaryOp kind, Tensor a, Tensor b, Tensor out) {
        if (kind == null) throw new IllegalArgumentException("binary: the operation is null");
        String op = kind.name().toLowerCase(Locale.ROOT);
        onDevice(op, device, required(op, a, "a"), required(op, b, "b"), required(op, out, "out"));
        if (!Arrays.equals(a.shape(), out.shape()) || !Arrays.equals(b.shape(), out.shape()))
            throw new IllegalArgumentException(op + ": operands " + a.describe() + " and " + b.describe()
                    + " must be views broadcast to the output's shape " + out.describe());
        if (a.dtype() != out.dtype() || b.dtype() != out.dtype())
            throw new IllegalArgumentException(
                    op + ": dtypes differ: " + a.describe() + ", " + b.describe() + " -> " + out.describe());
        if (kind == BinaryOp.DIV && !out.dtype().isFloating())
            throw new IllegalArgumentException(op + ": integer division is not supported (" + out.describe() + ")");
    }

    public static void unary(Device device, UnaryOp kind, Tensor x, Tensor y) {
        String op = "unary";
        if (kind == null) throw new IllegalArgumentException(op + ": the operation is null");
        resident(op, device, required(op, x, "x"), required(op, y, "y"));
        floating(op, x);
        sameSize(op, x, y);
    }

    /** gx = gy * f'(.); the ops whose derivative reads the input need x, the others y (the other may be null). */
    public static void unaryBackward(Device device, UnaryOp kind, Tensor x, Tensor y, Tensor gy, Tensor gx) {
        String op = "unaryBackward";
        if (kind == null) throw new IllegalArgumentException(op + ": the operation is null");
        resident(op, device, x, y, required(op, gy, "gy"), required(op, gx, "gx"));
        floating(op, gy);
        sameSize(op, gy, x, y, gx);
        switch (kind) {
            case LOG, GELU, SQUARE, RELU -> required(op, x, "the forward input x (needed by " + kind + ")");
            case EXP, TANH, SQRT -> required(op, y, "the forward output y (needed by " + kind + ")");
            default -> {}
        }
    }

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
        resident(
                op,
                device,
                required(op, x, "x"),
                required(op, bias, "bias"),
                required(op, gy, "gy"),
                required(op, gx, "gx"),
                gbias);
        long n = lastDim(op, x);
        sized(op, bias, n, x.dtype());
        sized(op, gbias, n, x.dtype());
        sameSize(op, x, gy, gx);
        return n;
    }

    /** x [outer, axis, inner] summed over the middle axis into out [outer, inner], one floating dtype. */
    public static void reduceSum(Device device, Tensor x, long outer, long axis, long inner, Tensor out) {
        String op = "reduceSum";
        resident(op, device, required(op, x, "x"), required(op, out, "out"));
        floating(op, x);
        if (out.dtype() != x.dtype())
            throw new IllegalArgumentException(op + ": dtypes differ: " + x.describe() + " -> " + out.describe());
        boolean fits;
        try {
            fits = outer >= 0
                    && axis >= 0
                    && inner >= 0
                    && Math.multiplyExact(Math.multiplyExact(outer, axis), inner) == x.numel()
                    && Math.multiplyExact(outer, inner) == out.numel();
        } catch (ArithmeticException overflow) {
            fits = false;
        }
        if (!fits)
            throw new IllegalArgumentException(op + ": [" + outer + ", " + axis + ", " + inner + "] does not fit "
                    + x.describe() + " -> " + out.describe());
    }

    /** The sum of squares: one dense floating input (the kernel has no integer version). */
    public static void sumSquares(Device device, Tensor x) {
        resident("sumSquares", device, required("sumSquares", x, "x"));
        floating("sumSquares", x);
    }

    /** The non-finite test: one dense input of any dtype (an integer tensor has none). */
    public static void hasNonFinite(Device device, Tensor x) {
        residentStorage("hasNonFinite", device, required("hasNonFinite", x, "x"));
    }
}
