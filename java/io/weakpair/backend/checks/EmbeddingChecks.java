package io.weakpair.backend.checks;

import static io.weakpair.backend.checks.KernelArgs.*;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/** wp/embedding.h: a floating [vocab, dim] table, I32 ids, one dim-wide row per id (the kernel checks the ids' range). */
public final class EmbeddingChecks {
    private EmbeddingChecks() {}

    public static void forward(Device device, Tensor table, Tensor ids, Tensor out) {
        lookup("embeddingForward", device, table, "table", ids, out, "out");
    }

    public static void backward(Device device, Tensor ids, Tensor gy, Tensor gtable) {
        lookup("embeddingBackward", device, gtable, "gtable", ids, gy, "gy");
    }

    /** The table (or its gradient) [vocab, dim], the ids, and the rows one per id (the output or its gradient). */
    private static void lookup(
            String op, Device device, Tensor table, String what, Tensor ids, Tensor rows, String rowsWhat) {
        resident(op, device, required(op, table, what), required(op, ids, "ids"), required(op, rows, rowsWhat));
        floating(op, table);
        if (table.rank() != 2)
            throw new IllegalArgumentException(op + ": " + what + " " + table.describe() + " must be [vocab, dim]");
        sized(op, ids, ids.numel(), DType.I32, "ids");
        sized(op, rows, ids.numel() * table.dim(1), table.dtype(), rowsWhat);
    }
}
