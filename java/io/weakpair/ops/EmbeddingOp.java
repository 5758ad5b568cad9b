package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Shapes;
import io.weakpair.tensor.Tensor;
import java.util.Arrays;

/** Embedding lookup: rows of a table gathered by integer ids; the backward scatter-adds. */
final class EmbeddingOp {
    private EmbeddingOp() {}

    /** table [V, D], ids I32 of any shape -> [..ids shape, D]. */
    static Tensor embedding(Tensor table, Tensor ids) {
        String op = "embedding";
        Check.open(op, table, ids);
        Check.sameDevice(op, table, ids);
        Check.floating(op, table);
        Check.rank(op, table, 2, "table");
        Check.dtype(op, ids, DType.I32, "ids");
        int[] idShape = ids.shape();
        if (idShape.length + 1 > Shapes.MAX_RANK)
            throw new IllegalArgumentException(op + ": ids " + ids.describe() + " have too many dimensions");
        int vocab = table.dim(0), dim = table.dim(1);
        int[] outShape = Arrays.copyOf(idShape, idShape.length + 1);
        outShape[idShape.length] = dim;

        Tensor tc = table.contiguous();
        Tensor ic = ids.contiguous();
        Tensor out = Tensor.empty(table.dtype(), table.device(), outShape);
        long bad = out.backend().embeddingForward(tc, ic, out);
        tc.close();
        if (bad >= 0) {
            int value = ic.toIntArray()[(int) bad];
            ic.close();
            out.close();
            throw new IllegalArgumentException(op + ": id " + value + " at position " + bad + " (index "
                    + Arrays.toString(unravel(bad, idShape)) + " of ids " + ids.describe() + ") is outside [0, " + vocab
                    + ") for table " + table.describe());
        }
        if (!Autograd.needed(table)) {
            ic.close();
            return out;
        }
        return Autograd.record(
                new Node(op, table) {
                    @Override
                    protected Tensor[] backward(Tensor g) {
                        Tensor gt = Tensor.zeros(g.dtype(), g.device(), vocab, dim);
                        g.backend().embeddingBackward(ic, g, gt);
                        return new Tensor[] {gt};
                    }
                }.saving(ic),
                out);
    }

    /** Multi-index of a flat row-major position. */
    private static int[] unravel(long flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = (int) (flat % shape[d]);
            flat /= shape[d];
        }
        return idx;
    }
}
