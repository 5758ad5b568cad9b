package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/** wp/dropout.h: a floating input, the output and the optional mask of one size; p in [0, 1] (the kernel checks it too). */
public final class DropoutChecks {
    private DropoutChecks() {}

    public static void forward(Device device, Tensor x, Tensor y, Tensor mask, double p) {
        String op = "dropoutForward";
        resident(op, device, required(op, x, "x"), required(op, y, "y"), mask);
        floating(op, x);
        sameSize(op, x, y, mask);
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException(op + ": p must be in [0, 1], got " + p);
    }
}
