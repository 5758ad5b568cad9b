package io.weakpair.backend.checks;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

import static io.weakpair.backend.checks.KernelArgs.*;

/** wp/l2norm.h: rows of the last axis, one norm per row (the kernel checks eps). */
public final class L2NormChecks {
    private L2NormChecks() {}

    /** Returns cols. */
    public static long forward(Device device, Tensor x, Tensor y, Tensor norms) {
        String op = "l2NormalizeForward";
        resident(op, device, x, y, norms);
        long cols = lastDim(op, x);
        sameSize(op, x, y);
        sized(op, norms, rows(x, cols), x.dtype());
        return cols;
    }

    /** Returns cols. */
    public static long backward(Device device, Tensor y, Tensor norms, Tensor gy, Tensor gx) {
        String op = "l2NormalizeBackward";
        resident(op, device, y, norms, gy, gx);
        long cols = lastDim(op, y);
        sameSize(op, y, gy, gx);
        sized(op, norms, rows(y, cols), y.dtype());
        return cols;
    }
}
