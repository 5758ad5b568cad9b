package io.weakpair.autograd;

import io.weakpair.backend.BinaryOp;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;

/** Records nodes during the forward pass and runs reverse mode over the tape. */
public final class Autograd {
    private Autograd() {}

    /** True when an op with these inputs must record a node. */
    public static boolean needed(Tensor... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    /** Attaches {@code node} as the producer of {@code output} and appends it to the tape. */
    public static Tensor record(Node node, Tensor output) {
        node.setOutput(output);
        output.attachGradFn(node);
        Tape.add(node);
        return output;
    }

    /** Backpropagates from a scalar. */
    public static void backward(Tensor root) {
        if (root.numel() != 1)
            throw new IllegalArgumentException("backward: the root " + root.describe() + " is not a scalar; pass its gradient");
        try (Tensor one = Tensor.full(1, root.dtype(), root.device(), root.shape())) {
            backward(root, one);
        }
    }

    /**
     * Accumulates d(root)/d(leaf) * gradRoot into the {@code grad} of every leaf that requires
     * one, walking the tape backwards, and then clears the tape. Intermediate gradients are
     * freed as soon as their node has consumed them.
     */
    public static void backward(Tensor root, Tensor gradRoot) {
        root.checkOpen("backward");
        if (!root.requiresGrad()) throw new IllegalStateException("backward: " + root.describe() + " does not require a gradient");
        if (!Arrays.equals(root.shape(), gradRoot.shape()) || root.dtype() != gradRoot.dtype())
            throw new IllegalArgumentException("backward: gradient " + gradRoot.describe() + " does not match root " + root.describe());
        if (root.isLeaf()) {
            accumulateLeaf(root, gradRoot);
            return;
        }
        ArrayList<Node> tape = Tape.nodes();
        IdentityHashMap<Tensor, Tensor> pending = new IdentityHashMap<>();
        IdentityHashMap<Tensor, Integer> holds = new IdentityHashMap<>();  // pending entries per gradient tensor
        pending.put(root, gradRoot);
        holds.put(gradRoot, 1);
        try (GradMode off = GradMode.off()) {
            for (int i = tape.size() - 1; i >= 0 && !pending.isEmpty(); i--) {
                Node node = tape.get(i);
                Tensor g = pending.remove(node.output());
                if (g == null) continue;
                if (!g.isContiguous()) {
                    // Every backward may assume a contiguous incoming gradient.
                    Tensor c = g.copy();
                    release(g, holds, gradRoot);
                    g = c;
                    holds.put(g, 1);
                }
                Tensor[] inputs = node.inputs();
                Tensor[] grads = node.backward(g);
                ArrayList<Tensor> adopted = new ArrayList<>(2);
                if (grads.length != inputs.length)
                    throw new IllegalStateException(node.op() + ": backward returned " + grads.length + " gradients for "
                            + inputs.length + " inputs");
                for (int j = 0; j < inputs.length; j++) {
                    Tensor in = inputs[j];
                    Tensor gi = grads[j];
                    if (gi == null || in == null || !in.requiresGrad()) continue;
                    if (!Arrays.equals(gi.shape(), in.shape()))
                        throw new IllegalStateException(node.op() + ": gradient " + gi.describe() + " for input " + j
                                + " does not match " + in.describe());
                    if (in.isLeaf()) {
                        if (in.grad() == null && transferable(gi, j, grads, g, gradRoot, holds)) {
                            in.setGrad(gi);  // a fresh gradient nobody else sees: keep it instead of copying
                            adopted.add(gi);
                        } else {
                            accumulateLeaf(in, gi);
                        }
                    } else {
                        Tensor prev = pending.get(in);
                        if (prev == null) {
                            pending.put(in, gi);
                            holds.merge(gi, 1, Integer::sum);
                        } else {
                            Tensor sum = Tensor.empty(prev.dtype(), prev.device(), prev.shape());
                            sum.backend().binary(BinaryOp.ADD, prev, gi, sum);
                            pending.put(in, sum);
                            holds.merge(sum, 1, Integer::sum);
                            release(prev, holds, gradRoot);
                        }
                    }
                }
                // Free returned gradients that nothing holds (copied into a leaf or summed).
                for (Tensor gi : grads)
                    if (gi != null && gi != g && gi != gradRoot && !holds.containsKey(gi) && !containsIdentity(adopted, gi))
                        gi.close();
                release(g, holds, gradRoot);
            }
        } finally {
            for (Tensor g : pending.values()) if (g != gradRoot) g.close();
            Tape.clear();
        }
    }

    /**
     * Whether {@code gi} (gradient j of a node) can become a leaf's gradient as it is: a
     * contiguous tensor with its own storage that no other pending gradient, no other output of
     * the same node, the incoming gradient nor the caller's root gradient is.
     */
    private static boolean transferable(Tensor gi, int j, Tensor[] grads, Tensor g, Tensor gradRoot,
                                        IdentityHashMap<Tensor, Integer> holds) {
        if (gi == g || gi == gradRoot || holds.containsKey(gi) || gi.isClosed() || !gi.isContiguous()
                || !gi.storage().isExclusive())
            return false;
        for (int k = 0; k < grads.length; k++) if (k != j && grads[k] == gi) return false;
        return true;
    }

    private static boolean containsIdentity(ArrayList<Tensor> list, Tensor t) {
        for (Tensor x : list) if (x == t) return true;
        return false;
    }

    private static void release(Tensor g, IdentityHashMap<Tensor, Integer> holds, Tensor gradRoot) {
        Integer n = holds.get(g);
        if (n == null || n <= 1) {
            holds.remove(g);
            if (g != gradRoot) g.close();
        } else {
            holds.put(g, n - 1);
        }
    }

    private static void accumulateLeaf(Tensor leaf, Tensor g) {
        Tensor existing = leaf.grad();
        if (existing == null) {
            Tensor copy = g.copy();
            Scope.detach(copy);
            leaf.setGrad(copy);
        } else {
            existing.backend().binary(BinaryOp.ADD, existing, g, existing);
        }
    }
}
