package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.backend.MiningMode;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/** wp/mining.h: floating square logits [n, n], I64 identity labels [n] (required), I32 outputs [n], a mode. */
public final class MiningChecks {
    private MiningChecks() {}

    /** Returns n. */
    public static long hardNegatives(
            Device device, Tensor logits, Tensor labels, MiningMode mode, Tensor hardNegText, Tensor hardNegImage) {
        String op = "mineHardNegatives";
        return square(
                op,
                device,
                logits,
                labels,
                mode,
                required(op, hardNegText, "hardNegText"),
                required(op, hardNegImage, "hardNegImage"));
    }

    /** Returns n. */
    public static long weakPositives(Device device, Tensor logits, Tensor labels, MiningMode mode, Tensor weakPosText) {
        String op = "mineWeakPositives";
        return square(op, device, logits, labels, mode, required(op, weakPosText, "weakPosText"));
    }

    private static long square(
            String op, Device device, Tensor logits, Tensor labels, MiningMode mode, Tensor... outs) {
        if (mode == null) throw new IllegalArgumentException(op + ": mining mode is null");
        if (labels == null) throw new IllegalArgumentException(op + ": mining needs identity labels");
        resident(op, device, required(op, logits, "logits"), labels);
        resident(op, device, outs);
        floating(op, logits);
        long n = matrixRows(op, logits, "logits");
        if (logits.dim(1) != n)
            throw new IllegalArgumentException(op + ": logits " + logits.describe() + " must be square");
        labels(op, labels, n);
        for (Tensor o : outs) sized(op, o, n, DType.I32, "output");
        return n;
    }
}
