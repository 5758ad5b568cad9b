package io.weakpair.autograd;

import io.weakpair.tensor.Tensor;

/**
 * One recorded operation: its inputs and the rule that turns the gradient of its output
 * into gradients of its inputs. Each op defines its node next to its forward, so the two
 * are read together.
 */
public abstract class Node {
    private final String op;
    private final Tensor[] inputs;
    private Tensor output;

    protected Node(String op, Tensor... inputs) {
        this.op = op;
        this.inputs = inputs;
    }

    public final String op() { return op; }

    final Tensor[] inputs() { return inputs; }

    final Tensor output() { return output; }

    final void setOutput(Tensor output) { this.output = output; }

    /** Whether input {@code i} takes part in autograd; backward may skip work for the others. */
    protected final boolean needsGrad(int i) { return inputs[i] != null && inputs[i].requiresGrad(); }

    /**
     * Gradients of the inputs, aligned with the constructor's inputs (null where none is
     * needed), each with its input's shape. Runs with gradient recording off.
     */
    protected abstract Tensor[] backward(Tensor gradOutput);
}
