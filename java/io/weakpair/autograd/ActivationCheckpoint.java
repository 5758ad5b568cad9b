package io.weakpair.autograd;

import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.util.function.Function;

/**
 * Activation checkpointing (recomputation): runs a block of the forward without keeping its
 * intermediates, and runs it again inside the backward to get them back. Only the block's
 * inputs and output are held between forward and backward, so a stack of checkpointed layers
 * holds one tensor per layer instead of every activation of every layer, for the price of one
 * more forward of the block. This is the reentrant scheme of {@code torch.utils.checkpoint}.
 *
 * <p>Also the memory-lean path without gradients: with recording off, the block's
 * intermediates are freed when it returns instead of living to the end of the caller's scope.
 *
 * <p>The block must compute the same function when run again: it may read parameters (their
 * gradients accumulate as usual) but must not draw fresh randomness; a block with dropout
 * replays its masks (the model's {@code Regularisation} rewinds its seed counter).
 */
public final class ActivationCheckpoint {
    private ActivationCheckpoint() {}

    /**
     * Runs {@code block} on {@code inputs} and returns its output. With {@code recompute} and
     * recording on, the output's node recomputes the block in backward; otherwise the block
     * runs as it is (recording whatever it records), its intermediates freed on return when
     * recording is off.
     */
    public static Tensor apply(String name, boolean recompute, Function<Tensor[], Tensor> block, Tensor... inputs) {
        if (!GradMode.isEnabled()) return runScoped(block, inputs);
        if (!recompute) return block.apply(inputs);
        Tensor out;
        try (GradMode off = GradMode.off()) {
            out = runScoped(block, inputs);
        }
        return Autograd.record(new Recompute(name, block, inputs), out);
    }

    /** Runs the block in a scope of its own, so everything it made but its output is freed on return. */
    private static Tensor runScoped(Function<Tensor[], Tensor> block, Tensor[] inputs) {
        try (Scope scope = Scope.open()) {
            Tensor out = block.apply(inputs);
            if (out == null) throw new IllegalStateException("checkpoint: the block returned null");
            for (Tensor in : inputs)
                if (out == in)
                    return out.view(out.shape(), out.strides(), out.offset()); // a new handle the caller's scope owns
            return scope.keep(out);
        }
    }

    /** The node of a recomputed block: its backward runs the block again with recording on and backpropagates through it. */
    private static final class Recompute extends Node {
        private final Function<Tensor[], Tensor> block;
        private final Tensor[] inputs;

        Recompute(String name, Function<Tensor[], Tensor> block, Tensor[] inputs) {
            super("checkpoint:" + name, inputs);
            this.block = block;
            this.inputs = inputs;
        }

        @Override
        protected Tensor[] backward(Tensor gradOutput) {
            if (retainsGraph())
                throw new IllegalStateException(op() + ": a recomputed block cannot be run backward with retainGraph");
            Tensor[] grads = new Tensor[inputs.length];
            try (Scope scope = Scope.open();
                    GradMode on = GradMode.on()) {
                // Fresh leaves over the inputs' storage, so the block's graph stops here and
                // their gradients are the ones this node returns.
                Tensor[] leaves = new Tensor[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    Tensor in = inputs[i];
                    if (in == null) continue;
                    in.checkOpen(op());
                    leaves[i] = in.view(in.shape(), in.strides(), in.offset());
                    if (needsGrad(i)) leaves[i].requiresGrad(true);
                }
                Tensor out = block.apply(leaves);
                if (out.requiresGrad()) Autograd.backward(out, gradOutput);
                for (int i = 0; i < inputs.length; i++)
                    if (leaves[i] != null && needsGrad(i))
                        grads[i] = leaves[i].takeGrad(); // unowned: the caller closes or adopts it
            }
            return grads;
        }
    }
}
