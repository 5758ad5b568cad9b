package io.weakpair.autograd;

import io.weakpair.tensor.GradFn;
import io.weakpair.tensor.Tensor;
import java.util.ArrayList;

/**
 * One recorded operation: its inputs and the rule that turns the gradient of its output
 * into gradients of its inputs. Each op defines its node next to its forward, so the two
 * are read together.
 *
 * <p>Buffers that only the backward reads (a contiguous copy of an input, layer norm's
 * statistics, attention's log-sum-exp) are declared with {@link #saving}: the node owns them
 * and closes them when the graph is released, which a backward does unless asked to retain
 * the graph (as PyTorch frees saved tensors). Inputs and outputs are the caller's tensors
 * and are never closed here.
 */
public abstract class Node implements GradFn {
    private final String op;
    private final Tensor[] inputs;
    private ArrayList<Tensor> saved;
    private long sequence = -1;
    private boolean released;
    private boolean retainingGraph;

    protected Node(String op, Tensor... inputs) {
        this.op = op;
        this.inputs = inputs;
    }

    @Override
    public final String op() {
        return op;
    }

    final Tensor[] inputs() {
        return inputs;
    }

    /** Whether input {@code i} takes part in autograd; backward may skip work for the others. */
    protected final boolean needsGrad(int i) {
        return inputs[i] != null && inputs[i].requiresGrad();
    }

    /**
     * Hands tensors that only this node's backward reads to the node (nulls are skipped): they
     * are closed when the graph is released after backward (or by their scope, whichever comes
     * first). Returns this node, for {@code Autograd.record(new Node(..) {..}.saving(a, b), out)}.
     */
    public final Node saving(Tensor... tensors) {
        if (sequence >= 0)
            throw new IllegalStateException(op + ": saving() must be called before the node is recorded");
        for (Tensor t : tensors) {
            if (t == null) continue;
            if (saved == null) saved = new ArrayList<>(tensors.length);
            saved.add(t);
        }
        return this;
    }

    /**
     * Takes a saved tensor back from the node, so the caller owns it (a backward that returns a
     * saved buffer as a gradient). Only while the graph is not retained: a retained graph still
     * needs it.
     */
    protected final Tensor takeSaved(Tensor t) {
        if (retainingGraph)
            throw new IllegalStateException(op + ": a saved tensor cannot be handed over while the graph is retained");
        if (saved != null)
            for (int i = 0; i < saved.size(); i++)
                if (saved.get(i) == t) {
                    saved.remove(i);
                    return t;
                }
        throw new IllegalStateException(op + ": " + t.describe() + " is not a tensor this node saved");
    }

    /** True while a backward that keeps the graph for another pass runs this node: saved buffers must stay intact. */
    protected final boolean retainsGraph() {
        return retainingGraph;
    }

    /**
     * Gradients of the inputs, aligned with the constructor's inputs (null where none is
     * needed), each with its input's shape. Runs with gradient recording off.
     */
    protected abstract Tensor[] backward(Tensor gradOutput);

    // ---------------------------------------------------------------- used by Autograd

    void recorded(long sequence) {
        this.sequence = sequence;
    }

    /** Recording order: a node is recorded after every node whose output it reads. */
    long sequence() {
        return sequence;
    }

    boolean isReleased() {
        return released;
    }

    /** Runs the backward, telling the node whether the graph must survive it. */
    Tensor[] runBackward(Tensor gradOutput, boolean retainGraph) {
        retainingGraph = retainGraph;
        try {
            return backward(gradOutput);
        } finally {
            retainingGraph = false;
        }
    }

    /** The first saved tensor that is already closed (its scope ended or it was closed by hand), or null. */
    Tensor closedSaved() {
        if (saved != null) for (Tensor t : saved) if (t.isClosed()) return t;
        return null;
    }

    /** Closes the saved tensors; a later backward through this node is an error. Idempotent. */
    void release() {
        released = true;
        if (saved == null) return;
        for (Tensor t : saved) t.close();
        saved = null;
    }
}
