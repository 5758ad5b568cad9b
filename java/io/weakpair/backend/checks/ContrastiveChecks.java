package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/**
 * wp/contrastive.h: the uITC loss, on materialised logits [nr, nc] or fused with the
 * similarity from features [nr, dim], [nc, dim]; optional I64 identity labels [nr], [nc]
 * (null: strict pairs), optional frozen confidences of the logits' size, the three losses,
 * optional gradients.
 */
public final class ContrastiveChecks {
    private ContrastiveChecks() {}

    /** The loss on materialised logits; confI2t, confT2i and gradLogits are optional, losses required. */
    public static void logits(
            Device device,
            Tensor logits,
            Tensor rowLabels,
            Tensor colLabels,
            Tensor confI2t,
            Tensor confT2i,
            Tensor losses,
            Tensor gradLogits) {
        String op = "contrastiveLogits";
        resident(
                op,
                device,
                required(op, logits, "logits"),
                rowLabels,
                colLabels,
                confI2t,
                confT2i,
                required(op, losses, "losses"),
                gradLogits);
        floating(op, logits);
        long nr = matrixRows(op, logits, "logits"), nc = logits.dim(1);
        labels(op, rowLabels, nr);
        labels(op, colLabels, nc);
        sameSize(op, logits, confI2t, confT2i, gradLogits);
        sized(op, losses, 3, logits.dtype(), "losses");
    }

    /** The fused loss, on either path (materialised or tiled); blockRows 0 picks the block size. */
    public static void fused(
            Device device,
            Tensor featRows,
            Tensor featCols,
            double tau,
            Tensor rowLabels,
            Tensor colLabels,
            Tensor confI2t,
            Tensor confT2i,
            long blockRows,
            Tensor losses,
            Tensor gradRows,
            Tensor gradCols,
            Tensor gradTau) {
        String op = "contrastiveFused";
        resident(
                op,
                device,
                required(op, featRows, "featRows"),
                required(op, featCols, "featCols"),
                rowLabels,
                colLabels,
                confI2t,
                confT2i,
                required(op, losses, "losses"),
                gradRows,
                gradCols,
                gradTau);
        SimilarityChecks.features(op, featRows, "featRows", featCols, "featCols");
        SimilarityChecks.tau(op, tau);
        if (blockRows < 0) throw new IllegalArgumentException(op + ": blockRows must be >= 0, got " + blockRows);
        long nr = featRows.dim(0), nc = featCols.dim(0);
        labels(op, rowLabels, nr);
        labels(op, colLabels, nc);
        sized(op, confI2t, cells(nr, nc), featRows.dtype(), "confI2t");
        sized(op, confT2i, cells(nr, nc), featRows.dtype(), "confT2i");
        sized(op, losses, 3, featRows.dtype(), "losses");
        sameSize(op, featRows, gradRows);
        sameSize(op, featCols, gradCols);
        sized(op, gradTau, 1, featRows.dtype(), "gradTau");
    }
}
