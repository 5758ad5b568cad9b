package io.weakpair.backend.checks;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

import static io.weakpair.backend.checks.KernelArgs.*;

/** wp/layernorm.h: x is [rows, cols]; gamma and beta (optional) hold cols values, mean and rstd one per row. */
public final class LayerNormChecks {
    private LayerNormChecks() {}

    /** Returns cols. */
    public static long forward(Device device, Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor mean, Tensor rstd) {
        String op = "layerNormForward";
        resident(op, device, x, gamma, beta, y, mean, rstd);
        long cols = lastDim(op, x), rows = rows(x, cols);
        sameSize(op, x, y);
        sized(op, gamma, cols, x.dtype());
        sized(op, beta, cols, x.dtype());
        sized(op, mean, rows, x.dtype());
        sized(op, rstd, rows, x.dtype());
        return cols;
    }

    /** Returns cols. */
    public static long backward(Device device, Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor gy, Tensor gx,
                                Tensor ggamma, Tensor gbeta) {
        String op = "layerNormBackward";
        resident(op, device, x, gamma, mean, rstd, gy, gx, ggamma, gbeta);
        long cols = lastDim(op, x), rows = rows(x, cols);
        sameSize(op, x, gy, gx);
        sized(op, gamma, cols, x.dtype());
        sized(op, ggamma, cols, x.dtype());
        sized(op, gbeta, cols, x.dtype());
        sized(op, mean, rows, x.dtype());
        sized(op, rstd, rows, x.dtype());
        return cols;
    }
}
