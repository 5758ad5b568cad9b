package io.weakpair.tensor;

/**
 * What a tensor knows about the operation that produced it: enough to name it in messages.
 * The autograd layer implements it ({@code io.weakpair.autograd.Node}), so the tensor layer
 * holds a tensor's producer without depending on the layer above it.
 */
public interface GradFn {
    /** The operation's name, as in error messages ("matmul", "layer_norm"). */
    String op();
}
