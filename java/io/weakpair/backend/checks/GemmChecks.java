package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/** wp/gemm.h: C = alpha op(A) op(B) + beta C in one floating dtype, BLAS leading dimensions, strided batches. */
public final class GemmChecks {
    private GemmChecks() {}

    /**
     * Strided batched GEMM: one floating dtype, no negative size or stride, leading dimensions
     * at least the stored row (and 1), and every matrix of every batch inside its tensor's
     * storage (the operands are often transposed or batched views, so the bound is the storage
     * from the view's offset, not the view's size). Returns false when there is nothing to
     * compute (an empty output or batch).
     */
    public static boolean gemm(
            Device device,
            boolean transA,
            boolean transB,
            long batch,
            long m,
            long n,
            long k,
            Tensor a,
            long lda,
            long strideA,
            Tensor b,
            long ldb,
            long strideB,
            Tensor c,
            long ldc,
            long strideC) {
        String op = "gemm";
        onDevice(op, device, required(op, a, "A"), required(op, b, "B"), required(op, c, "C"));
        if (!c.dtype().isComputeFloating() || a.dtype() != c.dtype() || b.dtype() != c.dtype())
            throw new IllegalArgumentException(op + ": operands " + a.describe() + ", " + b.describe() + ", "
                    + c.describe() + " must share one floating dtype");
        if (batch < 0 || m < 0 || n < 0 || k < 0 || strideA < 0 || strideB < 0 || strideC < 0)
            throw new IllegalArgumentException(op + ": negative size or stride (batch=" + batch + " m=" + m + " n=" + n
                    + " k=" + k + " strides " + strideA + ", " + strideB + ", " + strideC + ")");
        if (batch == 0 || m == 0 || n == 0) return false;
        long rowA = transA ? m : k, rowB = transB ? k : n;
        if (lda < Math.max(1, rowA) || ldb < Math.max(1, rowB) || ldc < Math.max(1, n))
            throw new IllegalArgumentException(op + ": leading dimensions lda=" + lda + " ldb=" + ldb + " ldc=" + ldc
                    + " are too small for m=" + m + " n=" + n + " k=" + k);
        if (k > 0) {
            reach(op, "A", a, batch, strideA, transA ? k : m, lda, rowA);
            reach(op, "B", b, batch, strideB, transB ? n : k, ldb, rowB);
        }
        reach(op, "C", c, batch, strideC, m, ldc, n);
        return true;
    }

    /** The last element a batched matrix operand touches lies inside its storage. */
    private static void reach(
            String op, String what, Tensor t, long batch, long stride, long rows, long ld, long cols) {
        long last;
        try {
            last = Math.addExact(
                    Math.addExact(Math.multiplyExact(batch - 1, stride), Math.multiplyExact(rows - 1, ld)), cols - 1);
        } catch (ArithmeticException overflow) {
            last = Long.MAX_VALUE;
        }
        long available = t.storage().bytes() / t.dtype().byteSize() - t.offset();
        if (last >= available)
            throw new IllegalArgumentException(op + ": operand " + what + " " + t.describe() + " (" + available
                    + " elements from its offset) is too small for " + batch + " matrices of " + rows + "x" + cols
                    + " with leading dimension " + ld + " and batch stride " + stride);
    }
}
