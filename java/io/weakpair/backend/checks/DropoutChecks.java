package io.weakpair.backend.checks;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

import static io.weakpair.backend.checks.KernelArgs.*;

/** wp/dropout.h: input, output and the optional mask of one size (the kernel checks p). */
public final class DropoutChecks {
    private DropoutChecks() {}

    public static void forward(Device device, Tensor x, Tensor y, Tensor mask) {
        String op = "dropoutForward";
        resident(op, device, x, y, mask);
        sameSize(op, x, y, mask);
    }
}
