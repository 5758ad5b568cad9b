package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/**
 * wp/cross_entropy.h: floating logits [rows, classes] with at least one class; hard targets
 * are one I32 per row, soft targets q a distribution per row (the logits' size); loss,
 * logSumExp and gLoss hold one value per row.
 */
public final class CrossEntropyChecks {
    private CrossEntropyChecks() {}

    /** Returns the number of classes. */
    public static long forward(Device device, Tensor logits, Tensor targets, Tensor loss, Tensor logSumExp) {
        String op = "crossEntropyForward";
        resident(
                op,
                device,
                required(op, logits, "logits"),
                required(op, targets, "targets"),
                required(op, loss, "loss"),
                required(op, logSumExp, "logSumExp"));
        long classes = classes(op, logits), rows = rows(logits, classes);
        sized(op, targets, rows, DType.I32, "targets");
        sized(op, loss, rows, logits.dtype(), "loss");
        sized(op, logSumExp, rows, logits.dtype(), "logSumExp");
        return classes;
    }

    /** Returns the number of classes. */
    public static long backward(
            Device device, Tensor logits, Tensor targets, Tensor logSumExp, Tensor gLoss, Tensor glogits) {
        String op = "crossEntropyBackward";
        resident(
                op,
                device,
                required(op, logits, "logits"),
                required(op, targets, "targets"),
                required(op, logSumExp, "logSumExp"),
                required(op, gLoss, "gLoss"),
                required(op, glogits, "glogits"));
        long classes = classes(op, logits), rows = rows(logits, classes);
        sized(op, targets, rows, DType.I32, "targets");
        sized(op, logSumExp, rows, logits.dtype(), "logSumExp");
        sized(op, gLoss, rows, logits.dtype(), "gLoss");
        sameSize(op, logits, glogits);
        return classes;
    }

    /** Returns the number of classes. */
    public static long softForward(Device device, Tensor logits, Tensor q, Tensor loss, Tensor logSumExp) {
        String op = "softCrossEntropyForward";
        resident(
                op,
                device,
                required(op, logits, "logits"),
                required(op, q, "q"),
                required(op, loss, "loss"),
                required(op, logSumExp, "logSumExp"));
        long classes = classes(op, logits), rows = rows(logits, classes);
        sameSize(op, logits, q);
        sized(op, loss, rows, logits.dtype(), "loss");
        sized(op, logSumExp, rows, logits.dtype(), "logSumExp");
        return classes;
    }

    /** gq is optional. Returns the number of classes. */
    public static long softBackward(
            Device device, Tensor logits, Tensor q, Tensor logSumExp, Tensor gLoss, Tensor glogits, Tensor gq) {
        String op = "softCrossEntropyBackward";
        resident(
                op,
                device,
                required(op, logits, "logits"),
                required(op, q, "q"),
                required(op, logSumExp, "logSumExp"),
                required(op, gLoss, "gLoss"),
                required(op, glogits, "glogits"),
                gq);
        long classes = classes(op, logits), rows = rows(logits, classes);
        sameSize(op, logits, q, glogits, gq);
        sized(op, logSumExp, rows, logits.dtype(), "logSumExp");
        sized(op, gLoss, rows, logits.dtype(), "gLoss");
        return classes;
    }

    private static long classes(String op, Tensor logits) {
        floating(op, logits);
        return nonEmptyLastDim(op, logits);
    }
}
