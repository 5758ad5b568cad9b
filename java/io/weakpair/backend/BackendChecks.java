package io.weakpair.backend;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

import java.util.Arrays;

/**
 * The last check before a backend hands raw pointers to a kernel, one static method per kernel
 * family. The ops in {@code io.weakpair.ops} validate their arguments already; these checks
 * exist because {@link Backend} is public too, so a direct call with a closed tensor, a tensor of
 * another device, the wrong size or dtype must be an exception naming the op, the shapes, the
 * dtypes and the devices instead of a read or write past a native buffer. They check only what a
 * kernel relies on for memory safety (and what would make it abort), not the ops' semantics.
 */
public final class BackendChecks {
    private BackendChecks() {}

    // ------------------------------------------------------------------ building blocks

    /** Every non-null tensor is open and on {@code device}. */
    static void on(String op, Device device, Tensor... ts) {
        for (Tensor t : ts) {
            if (t == null) continue;
            t.checkOpen(op);
            if (!t.device().equals(device))
                throw new IllegalArgumentException(op + ": tensor " + t.describe() + " is not on " + device);
        }
    }

    /** Every non-null tensor is contiguous (the kernel walks it as a flat array). */
    static void contiguous(String op, Tensor... ts) {
        for (Tensor t : ts)
            if (t != null && !t.isContiguous())
                throw new IllegalArgumentException(op + ": tensor " + t.describe() + " is not contiguous");
    }

    /** A required argument. */
    static Tensor required(String op, Tensor t, String what) {
        if (t == null) throw new IllegalArgumentException(op + ": " + what + " is null");
        return t;
    }

    /** Every non-null tensor has the element count and dtype of {@code like}. */
    static void sameSize(String op, Tensor like, Tensor... ts) {
        for (Tensor t : ts)
            if (t != null && (t.numel() != like.numel() || t.dtype() != like.dtype()))
                throw new IllegalArgumentException(op + ": " + t.describe() + " does not match " + like.describe()
                        + " (same dtype and element count)");
    }

    /** A non-null {@code t} holds exactly {@code numel} elements of {@code dtype}. */
    static void sized(String op, Tensor t, long numel, DType dtype, String what) {
        if (t != null && (t.numel() != numel || t.dtype() != dtype))
            throw new IllegalArgumentException(op + ": " + what + " " + t.describe() + " must hold " + numel + " " + dtype
                    + " elements");
    }

    static void floating(String op, Tensor t) {
        if (!t.dtype().isFloating())
            throw new IllegalArgumentException(op + ": " + t.describe() + " must be F32 or F64");
    }

    /** The row length of a [rows, last-axis] kernel; a scalar has none. */
    static long lastDim(String op, Tensor t) {
        if (t.rank() == 0) throw new IllegalArgumentException(op + ": " + t.describe() + " has no last axis");
        return t.dim(-1);
    }

    static long rows(Tensor t, long cols) { return cols == 0 ? 0 : t.numel() / cols; }

    /** The common preamble of a flat kernel: all open, on the device, contiguous. */
    static void flat(String op, Device device, Tensor... ts) {
        on(op, device, ts);
        contiguous(op, ts);
    }

    // ------------------------------------------------------------------ generic kernels

    public static void fill(Device device, Tensor dst) { flat("fill", device, required("fill", dst, "destination")); }

    /** Strided copy: one shape and dtype on both sides (their views are inside their storage by construction). */
    public static void copy(Device device, Tensor src, Tensor dst) {
        on("copy", device, required("copy", src, "source"), required("copy", dst, "destination"));
        if (src.dtype() != dst.dtype() || !Arrays.equals(src.shape(), dst.shape()))
            throw new IllegalArgumentException("copy: " + src.describe() + " and " + dst.describe() + " differ in dtype or shape");
    }

    public static void cast(Device device, Tensor src, Tensor dst) {
        flat("cast", device, required("cast", src, "source"), required("cast", dst, "destination"));
        if (src.numel() != dst.numel())
            throw new IllegalArgumentException("cast: " + src.describe() + " and " + dst.describe() + " differ in size");
    }

    /**
     * a, b and out share out's shape (the caller broadcast them) and dtype. Integer division is
     * refused: a zero divisor (or MIN / -1) traps in native code and kills the process.
     */
    public static void binary(Device device, BinaryOp kind, Tensor a, Tensor b, Tensor out) {
        String op = kind == null ? "binary" : kind.name().toLowerCase(java.util.Locale.ROOT);
        if (kind == null) throw new IllegalArgumentException("binary: the operation is null");
        on(op, device, required(op, a, "a"), required(op, b, "b"), required(op, out, "out"));
        if (!Arrays.equals(a.shape(), out.shape()) || !Arrays.equals(b.shape(), out.shape()))
            throw new IllegalArgumentException(op + ": operands " + a.describe() + " and " + b.describe()
                    + " must be views broadcast to the output's shape " + out.describe());
        if (a.dtype() != out.dtype() || b.dtype() != out.dtype())
            throw new IllegalArgumentException(op + ": dtypes differ: " + a.describe() + ", " + b.describe() + " -> " + out.describe());
        if (kind == BinaryOp.DIV && !out.dtype().isFloating())
            throw new IllegalArgumentException(op + ": integer division is not supported (" + out.describe() + ")");
    }

    public static void unary(Device device, UnaryOp kind, Tensor x, Tensor y) {
        String op = "unary";
        if (kind == null) throw new IllegalArgumentException(op + ": the operation is null");
        flat(op, device, required(op, x, "x"), required(op, y, "y"));
        floating(op, x);
        sameSize(op, x, y);
    }

    /** gx = gy * f'(.); the ops whose derivative reads the input need x, the others y. */
    public static void unaryBackward(Device device, UnaryOp kind, Tensor x, Tensor y, Tensor gy, Tensor gx) {
        String op = "unaryBackward";
        if (kind == null) throw new IllegalArgumentException(op + ": the operation is null");
        flat(op, device, x, y, required(op, gy, "gy"), required(op, gx, "gx"));
        floating(op, gy);
        sameSize(op, gy, gx, x, y);
        switch (kind) {
            case LOG, GELU, SQUARE, RELU -> required(op, x, "the forward input x (needed by " + kind + ")");
            case EXP, TANH, SQRT -> required(op, y, "the forward output y (needed by " + kind + ")");
            default -> { }
        }
    }

    public static void reduceSum(Device device, Tensor x, long outer, long axis, long inner, Tensor out) {
        String op = "reduceSum";
        flat(op, device, required(op, x, "x"), required(op, out, "out"));
        floating(op, x);
        if (out.dtype() != x.dtype())
            throw new IllegalArgumentException(op + ": dtypes differ: " + x.describe() + " -> " + out.describe());
        boolean fits;
        try {
            fits = outer >= 0 && axis >= 0 && inner >= 0 && Math.multiplyExact(Math.multiplyExact(outer, axis), inner) == x.numel()
                    && Math.multiplyExact(outer, inner) == out.numel();
        } catch (ArithmeticException overflow) {
            fits = false;
        }
        if (!fits)
            throw new IllegalArgumentException(op + ": [" + outer + ", " + axis + ", " + inner + "] does not fit "
                    + x.describe() + " -> " + out.describe());
    }

    /** The non-finite test: any dtype (an integer tensor has none). */
    public static void whole(Device device, String op, Tensor x) {
        flat(op, device, required(op, x, "x"));
    }

    /** The sum of squares: a floating tensor (the kernel has no integer version). */
    public static void sumSquares(Device device, Tensor x) {
        whole(device, "sumSquares", x);
        floating("sumSquares", x);
    }

    /**
     * Strided batched GEMM: one floating dtype, leading dimensions at least the stored row, and
     * every matrix of every batch inside its tensor's storage (the operands are often transposed
     * or batched views, so the bound is the storage from the view's offset, not the view's size).
     */
    public static void gemm(Device device, boolean transA, boolean transB, long batch, long m, long n, long k,
                            Tensor a, long lda, long strideA, Tensor b, long ldb, long strideB,
                            Tensor c, long ldc, long strideC) {
        String op = "gemm";
        on(op, device, required(op, a, "A"), required(op, b, "B"), required(op, c, "C"));
        floating(op, c);
        if (a.dtype() != c.dtype() || b.dtype() != c.dtype())
            throw new IllegalArgumentException(op + ": operands " + a.describe() + ", " + b.describe() + ", " + c.describe()
                    + " must share one floating dtype");
        if (batch < 0 || m < 0 || n < 0 || k < 0 || strideA < 0 || strideB < 0 || strideC < 0)
            throw new IllegalArgumentException(op + ": negative size or stride (batch=" + batch + " m=" + m + " n=" + n + " k=" + k
                    + " strides " + strideA + ", " + strideB + ", " + strideC + ")");
        if (batch == 0 || m == 0 || n == 0) return;
        long rowA = transA ? m : k, rowB = transB ? k : n;
        if (lda < Math.max(1, rowA) || ldb < Math.max(1, rowB) || ldc < Math.max(1, n))
            throw new IllegalArgumentException(op + ": leading dimensions lda=" + lda + " ldb=" + ldb + " ldc=" + ldc
                    + " are too small for m=" + m + " n=" + n + " k=" + k);
        if (k > 0) {
            reach(op, "A", a, batch, strideA, transA ? k : m, lda, rowA);
            reach(op, "B", b, batch, strideB, transB ? n : k, ldb, rowB);
        }
        reach(op, "C", c, batch, strideC, m, ldc, n);
    }

    /** The last element a batched matrix operand touches lies inside its storage. */
    private static void reach(String op, String what, Tensor t, long batch, long stride, long rows, long ld, long cols) {
        long last;
        try {
            last = Math.addExact(Math.addExact(Math.multiplyExact(batch - 1, stride), Math.multiplyExact(rows - 1, ld)), cols - 1);
        } catch (ArithmeticException overflow) {
            last = Long.MAX_VALUE;
        }
        long available = t.storage().bytes() / t.dtype().byteSize() - t.offset();
        if (last >= available)
            throw new IllegalArgumentException(op + ": operand " + what + " " + t.describe() + " (" + available
                    + " elements from its offset) is too small for " + batch + " matrices of " + rows + "x" + cols
                    + " with leading dimension " + ld + " and batch stride " + stride);
    }

    // ------------------------------------------------------------------ row-wise kernels

    /**
     * Layer norm: x [rows, cols]; {@code outputs} (required) and {@code optional} tensors of x's
     * size; {@code perColumn} (scale, shift and their gradients, each optional) [cols];
     * {@code perRow} (the mean and rstd, required) [rows].
     */
    public static void layerNorm(Device device, String op, Tensor x, Tensor[] outputs, Tensor[] optional, Tensor[] perColumn,
                                 Tensor[] perRow) {
        flat(op, device, required(op, x, "x"));
        for (Tensor t : outputs) flat(op, device, required(op, t, "input/output of x's size"));
        for (Tensor t : perRow) flat(op, device, required(op, t, "per-row statistics"));
        flat(op, device, optional);
        flat(op, device, perColumn);
        floating(op, x);
        long cols = nonEmptyLastDim(op, x), rows = rows(x, cols);
        sameSize(op, x, outputs);
        sameSize(op, x, optional);
        for (Tensor t : perColumn) sized(op, t, cols, x.dtype(), "per-column tensor");
        for (Tensor t : perRow) sized(op, t, rows, x.dtype(), "per-row tensor");
    }

    /**
     * Softmax and the L2 normalisation: x [rows, cols], {@code likeX} (required) of its size,
     * {@code perRow} (required) [rows]. {@code emptyRows}: whether a last axis of length 0 is a
     * valid (empty) call for this kernel.
     */
    public static void rowwise(Device device, String op, boolean emptyRows, Tensor x, Tensor[] likeX, Tensor[] perRow) {
        flat(op, device, required(op, x, "x"));
        for (Tensor t : likeX) flat(op, device, required(op, t, "input/output of x's size"));
        for (Tensor t : perRow) flat(op, device, required(op, t, "per-row tensor"));
        floating(op, x);
        long cols = emptyRows ? lastDim(op, x) : nonEmptyLastDim(op, x), rows = rows(x, cols);
        sameSize(op, x, likeX);
        for (Tensor t : perRow) sized(op, t, rows, x.dtype(), "per-row tensor");
    }

    /** The row length of a kernel that divides by it. */
    static long nonEmptyLastDim(String op, Tensor t) {
        long cols = lastDim(op, t);
        if (cols == 0) throw new IllegalArgumentException(op + ": " + t.describe() + " has an empty last axis");
        return cols;
    }

    /**
     * Cross-entropy: logits [rows, classes]; integer targets (I32 [rows]) or soft targets (logits'
     * size); likeLogits: the logits gradient (required) then the targets' gradient (optional);
     * perRow: the loss, the log-sum-exp and the loss gradient.
     */
    public static void crossEntropy(Device device, String op, Tensor logits, Tensor targets, boolean soft, Tensor[] likeLogits,
                                    Tensor[] perRow) {
        flat(op, device, required(op, logits, "logits"), required(op, targets, "targets"));
        if (likeLogits.length > 0) required(op, likeLogits[0], "glogits");
        flat(op, device, likeLogits);
        floating(op, logits);
        long classes = nonEmptyLastDim(op, logits), rows = rows(logits, classes);
        if (soft) sameSize(op, logits, targets);
        else sized(op, targets, rows, DType.I32, "targets");
        sameSize(op, logits, likeLogits);
        for (Tensor t : perRow) {
            flat(op, device, required(op, t, "per-row tensor"));
            sized(op, t, rows, logits.dtype(), "per-row tensor");
        }
    }

    // ------------------------------------------------------------------ lookups, masks, images

    /** table (or its gradient) [vocab, dim], ids I32 [n], rows (out or gy) [n, dim]. */
    public static void embedding(Device device, String op, Tensor table, Tensor ids, Tensor rows) {
        flat(op, device, required(op, table, "table"), required(op, ids, "ids"), required(op, rows, "rows"));
        floating(op, table);
        if (table.rank() != 2) throw new IllegalArgumentException(op + ": table " + table.describe() + " must be [vocab, dim]");
        sized(op, ids, ids.numel(), DType.I32, "ids");
        sized(op, rows, ids.numel() * table.dim(1), table.dtype(), "rows");
    }

    public static void dropout(Device device, Tensor x, Tensor y, Tensor mask, double p) {
        String op = "dropoutForward";
        flat(op, device, required(op, x, "x"), required(op, y, "y"), mask);
        floating(op, x);
        sameSize(op, x, y, mask);
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(op + ": p must be in [0, 1], got " + p);
    }

    public static void patchify(Device device, String op, Tensor images, Tensor patches, int patch) {
        flat(op, device, required(op, images, "images"), required(op, patches, "patches"));
        floating(op, images);
        if (images.rank() != 4) throw new IllegalArgumentException(op + ": images " + images.describe() + " must be [B, C, H, W]");
        if (patch < 1 || images.dim(2) % patch != 0 || images.dim(3) % patch != 0)
            throw new IllegalArgumentException(op + ": " + images.dim(2) + "x" + images.dim(3) + " images " + images.describe()
                    + " do not tile into " + patch + "x" + patch + " patches");
        sameSize(op, images, patches);
    }

    /** q [B, H, Lq, Dh], k and v [B, H, Lk, Dh], keyMask I32 [B, Lk], out [B, H, Lq, Dh], lse [B, H, Lq]; gradients like their inputs. */
    public static void attention(Device device, String op, Tensor q, Tensor k, Tensor v, Tensor keyMask, Tensor out, Tensor lse,
                                 Tensor gout, Tensor gq, Tensor gk, Tensor gv) {
        flat(op, device, required(op, q, "q"), required(op, k, "k"), required(op, v, "v"), keyMask,
                required(op, out, "out"), required(op, lse, "lse"));
        flat(op, device, gout, gq, gk, gv);
        floating(op, q);
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4)
            throw new IllegalArgumentException(op + ": q, k, v must be [B, H, L, Dh]: " + q.describe() + ", " + k.describe()
                    + ", " + v.describe());
        long b = q.dim(0), h = q.dim(1), lq = q.dim(2), lk = k.dim(2), dh = q.dim(3);
        sized(op, k, b * h * lk * dh, q.dtype(), "k");
        sized(op, v, b * h * lk * dh, q.dtype(), "v");
        sized(op, out, b * h * lq * dh, q.dtype(), "out");
        sized(op, lse, b * h * lq, q.dtype(), "lse");
        sized(op, keyMask, b * lk, DType.I32, "keyMask");
        sameSize(op, q, gout, gq);
        sameSize(op, k, gk, gv);
    }

    public static void adamw(Device device, Tensor param, Tensor grad, Tensor m, Tensor v, long step) {
        String op = "adamw";
        flat(op, device, required(op, param, "param"), required(op, grad, "grad"), required(op, m, "m"), required(op, v, "v"));
        floating(op, param);
        sameSize(op, param, grad, m, v);
        if (step < 1) throw new IllegalArgumentException(op + ": step must be >= 1, got " + step);
    }

    // ------------------------------------------------------------------ method kernels

    /** A [rows, cols] matrix argument: its row count. */
    static long matrixRows(String op, Tensor t, String what) {
        if (t.rank() != 2) throw new IllegalArgumentException(op + ": " + what + " " + t.describe() + " must have rank 2");
        return t.dim(0);
    }

    static void labels(String op, Tensor labels, long n) { sized(op, labels, n, DType.I64, "labels"); }

    /**
     * Features [nr, dim] and [nc, dim] (or their unit rows), normalisers [nr], [nc], logits-sized
     * tensors [nr, nc] (required); likeRows/likeCols are required outputs in the forward
     * ({@code outputsRequired}), optional gradients in the backward.
     */
    public static void similarity(Device device, String op, boolean outputsRequired, Tensor rows, Tensor cols, Tensor[] likeRows,
                                  Tensor[] likeCols, Tensor normRows, Tensor normCols, Tensor[] logitsSized, Tensor gradTau,
                                  double tau) {
        if (outputsRequired) {
            for (Tensor t : likeRows) required(op, t, "unit rows");
            for (Tensor t : likeCols) required(op, t, "unit columns");
        }
        flat(op, device, required(op, rows, "row features"), required(op, cols, "column features"), normRows, normCols, gradTau);
        flat(op, device, likeRows);
        flat(op, device, likeCols);
        flat(op, device, logitsSized);
        floating(op, rows);
        long nr = matrixRows(op, rows, "row features"), nc = matrixRows(op, cols, "column features");
        if (cols.dim(1) != rows.dim(1) || cols.dtype() != rows.dtype())
            throw new IllegalArgumentException(op + ": features differ in width or dtype: " + rows.describe() + ", " + cols.describe());
        if (!(tau > 0)) throw new IllegalArgumentException(op + ": tau must be > 0, got " + tau);
        sameSize(op, rows, likeRows);
        sameSize(op, cols, likeCols);
        sized(op, required(op, normRows, "row norms"), nr, rows.dtype(), "row norms");
        sized(op, required(op, normCols, "column norms"), nc, rows.dtype(), "column norms");
        for (Tensor t : logitsSized) sized(op, required(op, t, "logits"), nr * nc, rows.dtype(), "logits-sized tensor");
        sized(op, gradTau, 1, rows.dtype(), "gradTau");
    }

    /** Logits [nr, nc], labels [nr] and [nc] (I64, null: strict pairs), tensors of the logits' size, losses (3). */
    public static void contrastive(Device device, String op, Tensor logits, Tensor rowLabels, Tensor colLabels, Tensor[] likeLogits,
                                   Tensor losses) {
        flat(op, device, required(op, logits, "logits"), rowLabels, colLabels, losses);
        flat(op, device, likeLogits);
        floating(op, logits);
        long nr = matrixRows(op, logits, "logits"), nc = logits.dim(1);
        labels(op, rowLabels, nr);
        labels(op, colLabels, nc);
        sameSize(op, logits, likeLogits);
        sized(op, losses, 3, logits.dtype(), "losses");
    }

    /** The fused loss: features [nr, dim], [nc, dim]; confidences [nr, nc]; losses (3); gradients like the features. */
    public static void contrastiveFused(Device device, Tensor featRows, Tensor featCols, double tau, Tensor rowLabels,
                                        Tensor colLabels, Tensor confI2t, Tensor confT2i, long blockRows, Tensor losses,
                                        Tensor gradRows, Tensor gradCols, Tensor gradTau) {
        String op = "contrastiveFused";
        flat(op, device, required(op, featRows, "featRows"), required(op, featCols, "featCols"), rowLabels, colLabels, confI2t,
                confT2i, required(op, losses, "losses"), gradRows, gradCols, gradTau);
        floating(op, featRows);
        long nr = matrixRows(op, featRows, "featRows"), nc = matrixRows(op, featCols, "featCols");
        if (featCols.dim(1) != featRows.dim(1) || featCols.dtype() != featRows.dtype())
            throw new IllegalArgumentException(op + ": features differ in width or dtype: " + featRows.describe() + ", "
                    + featCols.describe());
        if (!(tau > 0)) throw new IllegalArgumentException(op + ": tau must be > 0, got " + tau);
        if (blockRows < 0) throw new IllegalArgumentException(op + ": blockRows must be >= 0, got " + blockRows);
        labels(op, rowLabels, nr);
        labels(op, colLabels, nc);
        long cells;
        try {
            cells = Math.multiplyExact(nr, nc);
        } catch (ArithmeticException overflow) {
            cells = -1;
        }
        sized(op, confI2t, cells, featRows.dtype(), "confI2t");
        sized(op, confT2i, cells, featRows.dtype(), "confT2i");
        sized(op, losses, 3, featRows.dtype(), "losses");
        sameSize(op, featRows, gradRows);
        sameSize(op, featCols, gradCols);
        sized(op, gradTau, 1, featRows.dtype(), "gradTau");
    }

    /** Square logits [n, n], I64 labels [n], I32 outputs [n]. */
    public static void mining(Device device, String op, Tensor logits, Tensor labels, MiningMode mode, Tensor... outs) {
        flat(op, device, required(op, logits, "logits"), required(op, labels, "labels (mining needs identity labels)"));
        for (Tensor o : outs) flat(op, device, required(op, o, "output"));
        floating(op, logits);
        long n = matrixRows(op, logits, "logits");
        if (logits.dim(1) != n) throw new IllegalArgumentException(op + ": logits " + logits.describe() + " must be square");
        labels(op, labels, n);
        for (Tensor o : outs) sized(op, o, n, DType.I32, "output");
        if (mode == null) throw new IllegalArgumentException(op + ": mining mode is null");
    }
}
