package io.weakpair.backend.checks;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

import static io.weakpair.backend.checks.KernelArgs.*;

/** wp/softmax.h: rows of the last axis; input, output and gradients all of one size. */
public final class SoftmaxChecks {
    private SoftmaxChecks() {}

    /** Returns the row length (1 for a scalar: a softmax over one value). */
    public static long forward(Device device, Tensor x, Tensor y, boolean log) {
        String op = log ? "logSoftmaxForward" : "softmaxForward";
        resident(op, device, x, y);
        sameSize(op, x, y);
        return x.rank() == 0 ? 1 : x.dim(-1);
    }

    /** Returns the row length (1 for a scalar). */
    public static long backward(Device device, Tensor y, Tensor gy, Tensor gx, boolean log) {
        String op = log ? "logSoftmaxBackward" : "softmaxBackward";
        resident(op, device, y, gy, gx);
        sameSize(op, y, gy, gx);
        return y.rank() == 0 ? 1 : y.dim(-1);
    }
}
