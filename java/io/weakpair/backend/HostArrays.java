package io.weakpair.backend;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;

/**
 * The checks every backend makes before copying between a Java array and a tensor, so a
 * mismatch is an exception naming the transfer and the tensor, never a native overrun.
 */
public final class HostArrays {
    private HostArrays() {}

    /** Bytes to copy between a typed array of {@code length} elements and {@code t}, after checking both agree. */
    public static long checkedBytes(Tensor t, int length, DType dtype, String op) {
        if (t.dtype() != dtype)
            throw new IllegalArgumentException(op + ": tensor " + t.describe() + " is not " + dtype);
        if (!t.isContiguous())
            throw new IllegalArgumentException(op + ": tensor " + t.describe() + " is not contiguous");
        if (length != t.numel())
            throw new IllegalArgumentException(
                    op + ": array of " + length + " elements does not match tensor " + t.describe());
        return (long) length * dtype.byteSize();
    }

    /** Checks that a raw byte array of {@code length} bytes covers contiguous {@code t} exactly. */
    public static void checkRawBytes(Tensor t, int length, String op) {
        if (!t.isContiguous() || (long) length != t.numel() * t.dtype().byteSize())
            throw new IllegalArgumentException(op + ": " + length + " bytes do not match tensor " + t.describe());
    }
}
