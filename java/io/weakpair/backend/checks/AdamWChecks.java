package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/** wp/adamw.h: a floating parameter, its gradient and both moments of one size; steps count from 1. */
public final class AdamWChecks {
    private AdamWChecks() {}

    public static void step(Device device, Tensor param, Tensor grad, Tensor m, Tensor v, long step) {
        String op = "adamw";
        resident(
                op,
                device,
                required(op, param, "param"),
                required(op, grad, "grad"),
                required(op, m, "m"),
                required(op, v, "v"));
        if (!param.dtype().isFloating())
            throw new IllegalArgumentException(op + ": parameter " + param.describe() + " must be F32 or F64");
        sameSize(op, param, grad, m, v);
        if (step < 1) throw new IllegalArgumentException(op + ": step must be >= 1, got " + step);
    }
}
