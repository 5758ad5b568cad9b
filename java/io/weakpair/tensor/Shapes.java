package io.weakpair.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by tensors and ops: sizes, strides, axes, broadcasting. */
public final class Shapes {
    private Shapes() {}

    public static final int MAX_RANK = 8;

    /**
     * The element count of a shape, or an error naming the shape when it does not fit a long
     * (a product of int dimensions can: 2^31 * 2^31 * 2^31). A shape with a zero dimension
     * has no elements whatever its other dimensions.
     */
    public static long numel(int[] shape) {
        for (int d : shape) if (d == 0) return 0;
        long n = 1;
        try {
            for (int d : shape) n = Math.multiplyExact(n, d);
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " has more than 2^63 - 1 elements");
        }
        return n;
    }

    /** Bytes of {@code numel} elements of {@code elementBytes} each, or an error naming the shape on overflow. */
    public static long byteCount(long numel, int elementBytes, int[] shape) {
        try {
            return Math.multiplyExact(numel, elementBytes);
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs more than 2^63 - 1 bytes");
        }
    }

    /**
     * Checks that a strided view stays inside a storage of {@code capacity} elements: offset and
     * strides non-negative (the kernels walk views forwards), and the last element the view can
     * reach, offset + sum (shape[i] - 1) * strides[i], below the capacity. An empty view reaches
     * nothing (a slice at the end of an empty axis may point past the storage; no kernel reads it).
     */
    public static void checkView(int[] shape, long[] strides, long offset, long capacity, String from) {
        if (strides.length != shape.length)
            throw new IllegalArgumentException(
                    "view of " + from + ": " + strides.length + " strides for shape " + Arrays.toString(shape));
        validate(shape);
        if (offset < 0) throw new IllegalArgumentException("view of " + from + ": negative offset " + offset);
        long last = offset;
        boolean empty = numel(shape) == 0;
        for (int i = 0; i < shape.length; i++) {
            if (strides[i] < 0)
                throw new IllegalArgumentException(
                        "view of " + from + ": negative stride in " + Arrays.toString(strides) + " (not supported)");
            if (!empty) {
                try {
                    last = Math.addExact(last, Math.multiplyExact((long) shape[i] - 1, strides[i]));
                } catch (ArithmeticException overflow) {
                    last = Long.MAX_VALUE;
                }
            }
        }
        if (!empty && last >= capacity)
            throw new IllegalArgumentException("view of " + from + ": shape " + Arrays.toString(shape) + ", strides "
                    + Arrays.toString(strides) + " and offset " + offset + " reach element " + last
                    + " of a storage of "
                    + capacity + " elements");
    }

    public static void validate(int[] shape) {
        if (shape.length > MAX_RANK)
            throw new IllegalArgumentException("rank " + shape.length + " is above the maximum " + MAX_RANK);
        for (int d : shape)
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
        numel(shape); // throws when the element count overflows
    }

    public static long[] contiguousStrides(int[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(1, shape[i]);
        }
        return s;
    }

    public static boolean isContiguous(int[] shape, long[] strides) {
        if (numel(shape) == 0) return true; // no element to misplace
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** Normalises a possibly negative axis, naming the op when it is out of range. */
    public static int axis(int axis, int rank, String op) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for rank " + rank);
        return a;
    }

    /** Resolves one -1 entry of a reshape target and checks the element count. */
    public static int[] inferReshape(int[] target, long numel, String op, int[] from) {
        int[] out = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0)
                    throw new IllegalArgumentException(op + ": more than one -1 in " + Arrays.toString(target));
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Arrays.toString(target));
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0)
                throw new IllegalArgumentException(
                        op + ": cannot reshape " + Arrays.toString(from) + " to " + Arrays.toString(target));
            out[infer] = Math.toIntExact(numel / known);
        }
        if (numel(out) != numel)
            throw new IllegalArgumentException(op + ": cannot reshape " + Arrays.toString(from) + " (" + numel
                    + " elements) to " + Arrays.toString(target));
        validate(out);
        return out;
    }

    /** NumPy broadcasting of two shapes, or an error naming the op and both shapes. */
    public static int[] broadcast(int[] a, int[] b, String op) {
        int rank = Math.max(a.length, b.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1)
                throw new IllegalArgumentException(op + ": shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " cannot be broadcast together");
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Strides that read a tensor of {@code shape}/{@code strides} broadcast to {@code target}. */
    public static long[] broadcastStrides(int[] shape, long[] strides, int[] target) {
        long[] out = new long[target.length];
        int lead = target.length - shape.length;
        for (int i = 0; i < target.length; i++) {
            if (i < lead) out[i] = 0;
            else out[i] = shape[i - lead] == 1 && target[i] != 1 ? 0 : strides[i - lead];
        }
        return out;
    }

    public static String str(int[] shape) {
        return Arrays.toString(shape);
    }
}
