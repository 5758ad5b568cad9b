package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/**
 * wp/softmax.h: floating rows of the last axis (a scalar has none: the op makes it [1] first);
 * input, output and gradients all of one size.
 */
public final class SoftmaxChecks {
    private SoftmaxChecks() {}

    /** Returns the row length (0: nothing to compute). */
    public static long forward(Device device, Tensor x, Tensor y, boolean log) {
        String op = log ? "logSoftmaxForward" : "softmaxForward";
        resident(op, device, required(op, x, "x"), required(op, y, "y"));
        floating(op, x);
        long cols = lastDim(op, x);
        sameSize(op, x, y);
        return cols;
    }

    /** Returns the row length (0: nothing to compute). */
    public static long backward(Device device, Tensor y, Tensor gy, Tensor gx, boolean log) {
        String op = log ? "logSoftmaxBackward" : "softmaxBackward";
        resident(op, device, required(op, y, "y"), required(op, gy, "gy"), required(op, gx, "gx"));
        floating(op, y);
        long cols = lastDim(op, y);
        sameSize(op, y, gy, gx);
        return cols;
    }
}
