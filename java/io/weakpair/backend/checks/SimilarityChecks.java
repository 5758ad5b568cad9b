package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/**
 * wp/similarity.h: floating features [nr, dim] and [nc, dim] of one width and dtype (or their
 * unit rows), their norms [nr] and [nc], the logits S = f g^T / tau [nr, nc] and tau > 0.
 */
public final class SimilarityChecks {
    private SimilarityChecks() {}

    public static void forward(
            Device device,
            Tensor featRows,
            Tensor featCols,
            double tau,
            Tensor unitRows,
            Tensor unitCols,
            Tensor normRows,
            Tensor normCols,
            Tensor logits) {
        String op = "similarityForward";
        resident(
                op,
                device,
                required(op, featRows, "featRows"),
                required(op, featCols, "featCols"),
                required(op, unitRows, "unitRows"),
                required(op, unitCols, "unitCols"),
                required(op, normRows, "normRows"),
                required(op, normCols, "normCols"),
                required(op, logits, "logits"));
        features(op, featRows, "featRows", featCols, "featCols");
        tau(op, tau);
        long nr = featRows.dim(0), nc = featCols.dim(0);
        sameSize(op, featRows, unitRows);
        sameSize(op, featCols, unitCols);
        sized(op, normRows, nr, featRows.dtype(), "normRows");
        sized(op, normCols, nc, featRows.dtype(), "normCols");
        sized(op, logits, cells(nr, nc), featRows.dtype(), "logits");
    }

    /** The gradients (gradRows, gradCols, gradTau) are optional. */
    public static void backward(
            Device device,
            Tensor unitRows,
            Tensor unitCols,
            Tensor normRows,
            Tensor normCols,
            double tau,
            Tensor logits,
            Tensor gradLogits,
            Tensor gradRows,
            Tensor gradCols,
            Tensor gradTau) {
        String op = "similarityBackward";
        resident(
                op,
                device,
                required(op, unitRows, "unitRows"),
                required(op, unitCols, "unitCols"),
                required(op, normRows, "normRows"),
                required(op, normCols, "normCols"),
                required(op, logits, "logits"),
                required(op, gradLogits, "gradLogits"),
                gradRows,
                gradCols,
                gradTau);
        features(op, unitRows, "unitRows", unitCols, "unitCols");
        tau(op, tau);
        long nr = unitRows.dim(0), nc = unitCols.dim(0);
        sized(op, normRows, nr, unitRows.dtype(), "normRows");
        sized(op, normCols, nc, unitRows.dtype(), "normCols");
        sized(op, logits, cells(nr, nc), unitRows.dtype(), "logits");
        sized(op, gradLogits, cells(nr, nc), unitRows.dtype(), "gradLogits");
        sameSize(op, unitRows, gradRows);
        sameSize(op, unitCols, gradCols);
        sized(op, gradTau, 1, unitRows.dtype(), "gradTau");
    }

    /** Two floating feature matrices [nr, dim] and [nc, dim] of one width and dtype (also the fused loss's). */
    static void features(String op, Tensor rows, String rowsWhat, Tensor cols, String colsWhat) {
        floating(op, rows);
        matrixRows(op, rows, rowsWhat);
        matrixRows(op, cols, colsWhat);
        if (cols.dim(1) != rows.dim(1))
            throw new IllegalArgumentException(
                    op + ": feature widths differ: " + rows.describe() + ", " + cols.describe());
        if (cols.dtype() != rows.dtype())
            throw new IllegalArgumentException(
                    op + ": feature dtypes differ: " + rows.describe() + ", " + cols.describe());
    }

    /** The temperature divides the logits. */
    static void tau(String op, double tau) {
        if (!(tau > 0)) throw new IllegalArgumentException(op + ": tau must be > 0, got " + tau);
    }
}
