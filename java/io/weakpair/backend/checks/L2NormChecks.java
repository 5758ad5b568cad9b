package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/** wp/l2norm.h: floating rows of a non-empty last axis, one norm per row (the kernel checks eps). */
public final class L2NormChecks {
    private L2NormChecks() {}

    /** Returns cols. */
    public static long forward(Device device, Tensor x, Tensor y, Tensor norms) {
        String op = "l2NormalizeForward";
        resident(op, device, required(op, x, "x"), required(op, y, "y"), required(op, norms, "norms"));
        floating(op, x);
        long cols = nonEmptyLastDim(op, x);
        sameSize(op, x, y);
        sized(op, norms, rows(x, cols), x.dtype(), "norms");
        return cols;
    }

    /** Returns cols. */
    public static long backward(Device device, Tensor y, Tensor norms, Tensor gy, Tensor gx) {
        String op = "l2NormalizeBackward";
        resident(
                op,
                device,
                required(op, y, "y"),
                required(op, norms, "norms"),
                required(op, gy, "gy"),
                required(op, gx, "gx"));
        floating(op, y);
        long cols = nonEmptyLastDim(op, y);
        sameSize(op, y, gy, gx);
        sized(op, norms, rows(y, cols), y.dtype(), "norms");
        return cols;
    }
}
