package io.weakpair.backend.checks;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/** The primitive checks the kernel-family checks are made of; null tensors (optional arguments) pass. */
public final class KernelArgs {
    private KernelArgs() {}

    /** A required argument: an exception naming it when null, else the tensor. */
    public static Tensor required(String op, Tensor t, String what) {
        if (t == null) throw new IllegalArgumentException(op + ": " + what + " is null");
        return t;
    }

    /**
     * Every tensor open and on {@code device} (for strided kernels: copies, broadcasting binary ops, GEMM),
     * and of a dtype the kernels compute in: a storage-only dtype (BF16) is refused here, in the one check
     * every kernel goes through, so no kernel is ever handed a type it has no code for. The storage
     * kernels (fill, copy, cast, the non-finite test) use {@link #onDeviceStorage} instead.
     */
    public static void onDevice(String op, Device device, Tensor... ts) {
        onDeviceStorage(op, device, ts);
        for (Tensor t : ts)
            if (t != null && t.dtype().isStorageOnly())
                throw new IllegalArgumentException(op + ": " + t.dtype() + " is not supported (tensor " + t.describe()
                        + "): " + t.dtype() + " is a storage dtype; convert with toDType(DType.F32) first");
    }

    /**
     * Every tensor open and on {@code device}, any dtype: for the kernels that move or convert
     * elements without computing in them. BF16 is handled by the CPU's storage kernels only.
     */
    public static void onDeviceStorage(String op, Device device, Tensor... ts) {
        for (Tensor t : ts) {
            if (t == null) continue;
            t.checkOpen(op);
            if (!t.device().equals(device))
                throw new IllegalArgumentException(op + ": tensor " + t.describe() + " is not on " + device);
            if (t.dtype().isStorageOnly() && !device.isCpu())
                throw new IllegalArgumentException(
                        op + ": " + t.dtype() + " tensors are supported on the CPU only, not on " + device + " (tensor "
                                + t.describe() + ")");
        }
    }

    /** {@link #onDeviceStorage} plus dense layout. */
    public static void residentStorage(String op, Device device, Tensor... ts) {
        onDeviceStorage(op, device, ts);
        contiguous(op, ts);
    }

    /** Every tensor open, on {@code device} and contiguous (the kernels take raw addresses of dense data). */
    public static void resident(String op, Device device, Tensor... ts) {
        onDevice(op, device, ts);
        contiguous(op, ts);
    }

    public static void contiguous(String op, Tensor... ts) {
        for (Tensor t : ts)
            if (t != null && !t.isContiguous())
                throw new IllegalArgumentException(op + ": tensor " + t.describe() + " is not contiguous");
    }

    /** Every tensor holds as many elements of the same dtype as {@code like}. */
    public static void sameSize(String op, Tensor like, Tensor... ts) {
        for (Tensor t : ts)
            if (t != null && (t.numel() != like.numel() || t.dtype() != like.dtype()))
                throw new IllegalArgumentException(op + ": " + t.describe() + " does not match " + like.describe()
                        + " (same dtype and element count)");
    }

    /** {@code t} holds exactly {@code numel} elements of {@code dtype}. */
    public static void sized(String op, Tensor t, long numel, DType dtype) {
        if (t != null && (t.numel() != numel || t.dtype() != dtype))
            throw new IllegalArgumentException(
                    op + ": " + t.describe() + " must hold " + numel + " " + dtype + " elements");
    }

    /** {@code t} holds exactly {@code numel} elements of {@code dtype}; the message names the argument. */
    public static void sized(String op, Tensor t, long numel, DType dtype, String what) {
        if (t != null && (t.numel() != numel || t.dtype() != dtype))
            throw new IllegalArgumentException(
                    op + ": " + what + " " + t.describe() + " must hold " + numel + " " + dtype + " elements");
    }

    /** A floating tensor (the kernels have no integer version). */
    public static void floating(String op, Tensor t) {
        if (!t.dtype().isComputeFloating())
            throw new IllegalArgumentException(op + ": " + t.describe() + " must be F32 or F64");
    }

    /** The length of the last axis, which a row-wise kernel works along. */
    public static long lastDim(String op, Tensor t) {
        if (t.rank() == 0) throw new IllegalArgumentException(op + ": " + t.describe() + " has no last axis");
        return t.dim(-1);
    }

    /** The row length of a kernel that divides by it: a last axis, and not an empty one. */
    public static long nonEmptyLastDim(String op, Tensor t) {
        long cols = lastDim(op, t);
        if (cols == 0) throw new IllegalArgumentException(op + ": " + t.describe() + " has an empty last axis");
        return cols;
    }

    /** Rows of the [rows, cols] view of {@code t} (0 when a row is empty). */
    public static long rows(Tensor t, long cols) {
        return cols == 0 ? 0 : t.numel() / cols;
    }

    /** Rows of a tensor that must be a matrix. */
    public static long matrixRows(String op, Tensor t, String what) {
        if (t.rank() != 2)
            throw new IllegalArgumentException(op + ": " + what + " " + t.describe() + " must have rank 2");
        return t.dim(0);
    }

    /** The element count of an [nr, nc] matrix, or -1 (which no tensor holds) when the product overflows. */
    public static long cells(long nr, long nc) {
        try {
            return Math.multiplyExact(nr, nc);
        } catch (ArithmeticException overflow) {
            return -1;
        }
    }

    /** Optional identity labels: {@code n} I64 values. */
    public static void labels(String op, Tensor labels, long n) {
        if (labels != null && (labels.dtype() != DType.I64 || labels.numel() != n))
            throw new IllegalArgumentException(op + ": labels " + labels.describe() + " must be " + n + " I64 values");
    }
}
