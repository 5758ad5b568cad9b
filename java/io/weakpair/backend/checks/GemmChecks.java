package io.weakpair.backend.checks;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

import static io.weakpair.backend.checks.KernelArgs.onDevice;

/** wp/gemm.h: C = alpha op(A) op(B) + beta C in one floating dtype, BLAS leading dimensions. */
public final class GemmChecks {
    private GemmChecks() {}

    /** Returns false when there is nothing to compute (an empty output or batch). */
    public static boolean gemm(Device device, boolean transA, boolean transB, long batch, long m, long n, long k, Tensor a,
                               long lda, Tensor b, long ldb, Tensor c, long ldc) {
        onDevice("gemm", device, a, b, c);
        if (!c.dtype().isFloating() || a.dtype() != c.dtype() || b.dtype() != c.dtype())
            throw new IllegalArgumentException("gemm: operands " + a.describe() + ", " + b.describe() + ", " + c.describe()
                    + " must share one floating dtype");
        if (m <= 0 || n <= 0 || batch <= 0) return false;
        // BLAS needs leading dimensions of at least the stored row length (and 1).
        long rowA = transA ? m : k, rowB = transB ? k : n;
        if (lda < Math.max(1, rowA) || ldb < Math.max(1, rowB) || ldc < Math.max(1, n))
            throw new IllegalArgumentException("gemm: leading dimensions lda=" + lda + " ldb=" + ldb + " ldc=" + ldc
                    + " are too small for m=" + m + " n=" + n + " k=" + k);
        return true;
    }
}
