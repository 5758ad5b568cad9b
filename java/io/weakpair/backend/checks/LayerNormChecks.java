package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/**
 * wp/layernorm.h: x is a floating [rows, cols] with a non-empty last axis (the kernel divides
 * by cols); gamma and beta (optional) hold cols values, mean and rstd one per row.
 */
public final class LayerNormChecks {
    private LayerNormChecks() {}

    /** Returns cols. */
    public static long forward(Device device, Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor mean, Tensor rstd) {
        String op = "layerNormForward";
        resident(
                op,
                device,
                required(op, x, "x"),
                gamma,
                beta,
                required(op, y, "y"),
                required(op, mean, "mean"),
                required(op, rstd, "rstd"));
        floating(op, x);
        long cols = nonEmptyLastDim(op, x), rows = rows(x, cols);
        sameSize(op, x, y);
        sized(op, gamma, cols, x.dtype(), "gamma");
        sized(op, beta, cols, x.dtype(), "beta");
        sized(op, mean, rows, x.dtype(), "mean");
        sized(op, rstd, rows, x.dtype(), "rstd");
        return cols;
    }

    /** gx, gamma and its gradient and gbeta are optional. Returns cols. */
    public static long backward(
            Device device,
            Tensor x,
            Tensor gamma,
            Tensor mean,
            Tensor rstd,
            Tensor gy,
            Tensor gx,
            Tensor ggamma,
            Tensor gbeta) {
        String op = "layerNormBackward";
        resident(
                op,
                device,
                required(op, x, "x"),
                gamma,
                required(op, mean, "mean"),
                required(op, rstd, "rstd"),
                required(op, gy, "gy"),
                gx,
                ggamma,
                gbeta);
        floating(op, x);
        long cols = nonEmptyLastDim(op, x), rows = rows(x, cols);
        sameSize(op, x, gy, gx);
        sized(op, gamma, cols, x.dtype(), "gamma");
        sized(op, ggamma, cols, x.dtype(), "ggamma");
        sized(op, gbeta, cols, x.dtype(), "gbeta");
        sized(op, mean, rows, x.dtype(), "mean");
        sized(op, rstd, rows, x.dtype(), "rstd");
        return cols;
    }
}
