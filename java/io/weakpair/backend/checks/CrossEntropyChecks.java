package io.weakpair.backend.checks;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

import static io.weakpair.backend.checks.KernelArgs.*;

/**
 * wp/cross_entropy.h: logits [rows, classes]; hard targets are one I32 per row, soft targets
 * q a distribution per row (the logits' size); loss, logSumExp and gLoss hold one value per row.
 */
public final class CrossEntropyChecks {
    private CrossEntropyChecks() {}

    /** Returns the number of classes. */
    public static long forward(Device device, Tensor logits, Tensor targets, Tensor loss, Tensor logSumExp) {
        String op = "crossEntropyForward";
        resident(op, device, logits, targets, loss, logSumExp);
        long classes = lastDim(op, logits), rows = rows(logits, classes);
        sized(op, targets, rows, DType.I32);
        sized(op, loss, rows, logits.dtype());
        sized(op, logSumExp, rows, logits.dtype());
        return classes;
    }

    /** Returns the number of classes. */
    public static long backward(Device device, Tensor logits, Tensor targets, Tensor logSumExp, Tensor gLoss, Tensor glogits) {
        String op = "crossEntropyBackward";
        resident(op, device, logits, targets, logSumExp, gLoss, glogits);
        long classes = lastDim(op, logits), rows = rows(logits, classes);
        sized(op, targets, rows, DType.I32);
        sized(op, logSumExp, rows, logits.dtype());
        sized(op, gLoss, rows, logits.dtype());
        sameSize(op, logits, glogits);
        return classes;
    }

    /** Returns the number of classes. */
    public static long softForward(Device device, Tensor logits, Tensor q, Tensor loss, Tensor logSumExp) {
        String op = "softCrossEntropyForward";
        resident(op, device, logits, q, loss, logSumExp);
        long classes = lastDim(op, logits), rows = rows(logits, classes);
        sameSize(op, logits, q);
        sized(op, loss, rows, logits.dtype());
        sized(op, logSumExp, rows, logits.dtype());
        return classes;
    }

    /** Returns the number of classes. */
    public static long softBackward(Device device, Tensor logits, Tensor q, Tensor logSumExp, Tensor gLoss, Tensor glogits,
                                    Tensor gq) {
        String op = "softCrossEntropyBackward";
        resident(op, device, logits, q, logSumExp, gLoss, glogits, gq);
        long classes = lastDim(op, logits), rows = rows(logits, classes);
        sameSize(op, logits, q, glogits, gq);
        sized(op, logSumExp, rows, logits.dtype());
        sized(op, gLoss, rows, logits.dtype());
        return classes;
    }
}
