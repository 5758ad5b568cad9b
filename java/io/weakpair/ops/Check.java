package io.weakpair.ops;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;
import java.util.Arrays;

/** Argument checks shared by the ops: each failure names the op and the offending shapes. */
public final class Check {
    private Check() {}

    /** Every tensor is open (null entries are skipped: optional inputs). */
    public static void open(String op, Tensor... ts) {
        for (Tensor t : ts) if (t != null) t.checkOpen(op);
    }

    public static void sameDevice(String op, Tensor a, Tensor b) {
        if (!a.device().equals(b.device()))
            throw new IllegalArgumentException(
                    op + ": tensors are on different devices: " + a.describe() + " and " + b.describe());
    }

    public static void sameDType(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype())
            throw new IllegalArgumentException(op + ": dtypes differ: " + a.describe() + " and " + b.describe());
    }

    /** Open, same device and same dtype as the first. */
    public static void compatible(String op, Tensor first, Tensor... others) {
        open(op, first);
        for (Tensor t : others) {
            if (t == null) continue;
            open(op, t);
            sameDevice(op, first, t);
            sameDType(op, first, t);
        }
    }

    public static void floating(String op, Tensor t) {
        if (t.dtype().isStorageOnly())
            throw new IllegalArgumentException(op + ": " + t.dtype() + " is not supported (got " + t.describe() + "): "
                    + t.dtype() + " is a storage dtype; convert with toDType(DType.F32) first");
        if (!t.dtype().isFloating())
            throw new IllegalArgumentException(op + ": expected a floating tensor (F32 or F64), got " + t.describe());
    }

    public static void dtype(String op, Tensor t, DType dtype, String what) {
        if (t.dtype() != dtype)
            throw new IllegalArgumentException(op + ": " + what + " must be " + dtype + ", got " + t.describe());
    }

    public static void rank(String op, Tensor t, int rank, String what) {
        if (t.rank() != rank)
            throw new IllegalArgumentException(op + ": " + what + " must have rank " + rank + ", got " + t.describe());
    }

    public static void minRank(String op, Tensor t, int rank, String what) {
        if (t.rank() < rank)
            throw new IllegalArgumentException(
                    op + ": " + what + " must have rank >= " + rank + ", got " + t.describe());
    }

    public static void shape(String op, Tensor t, int[] expected, String what) {
        if (!Arrays.equals(t.shape(), expected))
            throw new IllegalArgumentException(
                    op + ": " + what + " must have shape " + Arrays.toString(expected) + ", got " + t.describe());
    }

    public static void sameDevice(String op, Tensor first, Tensor... others) {
        for (Tensor t : others) if (t != null) sameDevice(op, first, t);
    }
}
