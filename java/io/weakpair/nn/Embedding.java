package io.weakpair.nn;

import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;

/** A lookup table [count, dim] whose rows are gathered by I32 ids, as {@code torch.nn.Embedding}. */
public final class Embedding extends Module {
    private final int count;
    private final int dim;
    private final Tensor weight;

    public Embedding(int count, int dim, InitContext ctx, Init init) {
        if (count <= 0 || dim <= 0)
            throw new IllegalArgumentException("Embedding: count and dim must be positive, got " + count + " x " + dim);
        this.count = count;
        this.dim = dim;
        this.weight = registerParameter("weight", ctx, init, count, dim);
    }

    /** ids I32 of any shape to [...ids, dim]; an id outside [0, count) is an error naming it. */
    public Tensor forward(Tensor ids) {
        checkOpen();
        return F.embedding(weight, ids);
    }

    public Tensor weight() {
        return weight;
    }

    public int count() {
        return count;
    }

    public int dim() {
        return dim;
    }

    @Override
    protected String kind() {
        return "Embedding(" + count + " x " + dim + ")";
    }
}
