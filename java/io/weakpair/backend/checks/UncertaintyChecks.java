package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/**
 * wp/uncertainty.h: floating logits [nr, nc], optional I64 identity labels [nr] and [nc]
 * (null: strict pairs), the two confidence maps (optional) of the logits' size.
 */
public final class UncertaintyChecks {
    private UncertaintyChecks() {}

    public static void confidence(
            Device device, Tensor logits, Tensor rowLabels, Tensor colLabels, Tensor confI2t, Tensor confT2i) {
        String op = "uncertaintyConfidence";
        resident(op, device, required(op, logits, "logits"), rowLabels, colLabels, confI2t, confT2i);
        floating(op, logits);
        long nr = matrixRows(op, logits, "logits"), nc = logits.dim(1);
        labels(op, rowLabels, nr);
        labels(op, colLabels, nc);
        sameSize(op, logits, confI2t, confT2i);
    }
}
