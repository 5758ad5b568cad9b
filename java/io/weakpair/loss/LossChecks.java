package io.weakpair.loss;

import io.weakpair.ops.Check;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;
import java.util.Arrays;

/** Argument checks of the method's ops: every failure names the op and the shapes. */
final class LossChecks {
    private LossChecks() {}

    /** Image features [N_r, D] and text features [N_c, D]: open, floating, one dtype and device, D >= 1. */
    static void features(String op, Tensor rows, Tensor cols) {
        Check.compatible(op, rows, cols);
        Check.floating(op, rows);
        Check.rank(op, rows, 2, "image features");
        Check.rank(op, cols, 2, "text features");
        if (rows.dim(0) < 1 || cols.dim(0) < 1 || rows.dim(1) < 1)
            throw new IllegalArgumentException(
                    op + ": features must be non-empty, got " + rows.describe() + " and " + cols.describe());
        if (rows.dim(1) != cols.dim(1))
            throw new IllegalArgumentException(op + ": image features " + rows.describe() + " and text features "
                    + cols.describe() + " differ in dimension (" + rows.dim(1) + " != " + cols.dim(1) + ")");
    }

    /** The temperature: a one-element tensor of the features' dtype and device; returns its value, finite and > 0. */
    static double temperature(String op, Tensor tau, Tensor like) {
        Check.compatible(op, like, tau);
        if (tau.numel() != 1 || tau.rank() > 1)
            throw new IllegalArgumentException(
                    op + ": the temperature must be a scalar (shape [] or [1]), got " + tau.describe());
        double v = tau.item();
        if (!(v > 0) || Double.isInfinite(v))
            throw new IllegalArgumentException(op + ": the temperature must be finite and > 0, got " + v);
        return v;
    }

    static void alpha(String op, double alpha) {
        if (!(alpha >= 0 && alpha <= 1))
            throw new IllegalArgumentException(op + ": alpha must be in [0, 1], got " + alpha);
    }

    /**
     * Identity labels [n] (I32 or I64, on the features' device) as a contiguous I64 tensor the
     * caller closes (a new handle even when no conversion was needed).
     */
    static Tensor labels(String op, Tensor labels, int n, Tensor like, String what) {
        labels.checkOpen(op);
        Check.sameDevice(op, like, labels);
        if (labels.dtype() != DType.I64 && labels.dtype() != DType.I32)
            throw new IllegalArgumentException(op + ": " + what + " must be I32 or I64, got " + labels.describe());
        if (labels.rank() != 1 || labels.dim(0) != n)
            throw new IllegalArgumentException(
                    op + ": " + what + " must have shape [" + n + "], got " + labels.describe());
        return labels.dtype() == DType.I64 ? labels.contiguous() : labels.toDType(DType.I64);
    }

    /** An optional [rows, cols] matrix of the features' dtype (null passes). */
    static void matrix(String op, Tensor m, int rows, int cols, Tensor like, String what) {
        if (m == null) return;
        Check.compatible(op, like, m);
        if (!Arrays.equals(m.shape(), new int[] {rows, cols}))
            throw new IllegalArgumentException(
                    op + ": " + what + " must have shape [" + rows + ", " + cols + "], got " + m.describe());
    }

    /** Logits [N_r, N_c]: open, floating, rank 2, non-empty. */
    static void logits(String op, Tensor s) {
        s.checkOpen(op);
        Check.floating(op, s);
        Check.rank(op, s, 2, "logits");
        if (s.dim(0) < 1 || s.dim(1) < 1)
            throw new IllegalArgumentException(op + ": logits must be non-empty, got " + s.describe());
    }
}
