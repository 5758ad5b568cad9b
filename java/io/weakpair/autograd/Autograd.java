package io.weakpair.autograd;

import io.weakpair.backend.BinaryOp;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records nodes during the forward pass and runs reverse mode over the graph they form. The
 * graph lives as long as the tensors that refer to it; a backward releases it unless told to
 * retain it.
 */
public final class Autograd {
    private Autograd() {}

    /** True when an op with these inputs must record a node. */
    public static boolean needed(Tensor... inputs) {
        if (!GradMode.isEnabled()) return false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) return true;
        return false;
    }

    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** Attaches {@code node} as the producer of {@code output}; the output's graph now reaches it. */
    public static Tensor record(Node node, Tensor output) {
        if (node.sequence() >= 0) throw new IllegalStateException(node.op() + ": a node is recorded once");
        node.recorded(SEQUENCE.getAndIncrement());
        output.attachGradFn(node);
        return output;
    }

    /** Backpropagates from a scalar and releases the graph (its saved tensors are closed). */
    public static void backward(Tensor root) {
        backward(root, false);
    }

    /** Backpropagates from a scalar; with {@code retainGraph} the graph can be walked again. */
    public static void backward(Tensor root, boolean retainGraph) {
        root.checkOpen("backward");
        if (root.numel() != 1)
            throw new IllegalArgumentException(
                    "backward: the root " + root.describe() + " is not a scalar; pass its gradient");
        try (Tensor one = Tensor.full(1, root.dtype(), root.device(), root.shape())) {
            backward(root, one, retainGraph);
        }
    }

    /** {@link #backward(Tensor, Tensor, boolean)} that releases the graph. */
    public static void backward(Tensor root, Tensor gradRoot) {
        backward(root, gradRoot, false);
    }

    /**
     * Accumulates d(root)/d(leaf) * gradRoot into the {@code grad} of every leaf that requires
     * one, running the nodes of root's graph latest first. Intermediate gradients are freed as
     * soon as their node has consumed them. Unless {@code retainGraph}, each node is released
     * once it has run (its saved tensors are closed, as PyTorch frees saved buffers), and a
     * second backward through the graph is an error; with it, the graph can be run again.
     */
    public static void backward(Tensor root, Tensor gradRoot, boolean retainGraph) {
        root.checkOpen("backward");
        gradRoot.checkOpen("backward");
        if (!root.requiresGrad())
            throw new IllegalStateException("backward: " + root.describe() + " does not require a gradient");
        if (!Arrays.equals(root.shape(), gradRoot.shape()) || root.dtype() != gradRoot.dtype())
            throw new IllegalArgumentException(
                    "backward: gradient " + gradRoot.describe() + " does not match root " + root.describe());
        if (root.isLeaf()) {
            accumulateLeaf(root, gradRoot);
            return;
        }
        ArrayList<Node> order = GraphOrder.of(root);
        IdentityHashMap<Node, Tensor> pending = new IdentityHashMap<>(); // gradient of each node's output so far
        IdentityHashMap<Tensor, Integer> holds = new IdentityHashMap<>(); // pending entries per gradient tensor
        pending.put(order.get(0), gradRoot);
        holds.put(gradRoot, 1);
        try (GradMode off = GradMode.off()) {
            for (Node node : order) {
                if (pending.isEmpty()) break;
                Tensor g = pending.remove(node);
                if (g == null) continue;
                Tensor gone = node.closedSaved();
                if (gone != null)
                    throw new IllegalStateException(
                            "backward: '" + node.op() + "' needs " + gone.describe() + ", which was"
                                    + " closed before backward (its scope ended or it was closed by hand); run backward inside the"
                                    + " scope that ran the forward");
                if (!g.isContiguous()) {
                    // Every backward may assume a contiguous incoming gradient.
                    Tensor c = g.copy();
                    release(g, holds, gradRoot);
                    g = c;
                    holds.put(g, 1);
                }
                Tensor[] inputs = node.inputs();
                Tensor[] grads = node.runBackward(g, retainGraph);
                if (!retainGraph) node.release();
                ArrayList<Tensor> adopted = new ArrayList<>(2);
                if (grads.length != inputs.length)
                    throw new IllegalStateException(node.op() + ": backward returned " + grads.length
                            + " gradients for " + inputs.length + " inputs");
                for (int j = 0; j < inputs.length; j++) {
                    Tensor in = inputs[j];
                    Tensor gi = grads[j];
                    if (gi == null || in == null || !in.requiresGrad()) continue;
                    if (!Arrays.equals(gi.shape(), in.shape()))
                        throw new IllegalStateException(node.op() + ": gradient " + gi.describe() + " for input " + j
                                + " does not match " + in.describe());
                    if (in.isLeaf()) {
                        if (in.grad() == null && transferable(gi, j, grads, g, gradRoot, holds)) {
                            in.setGrad(gi); // a fresh gradient nobody else sees: keep it instead of copying
                            adopted.add(gi);
                        } else {
                            accumulateLeaf(in, gi);
                        }
                    } else {
                        Node producer = GraphOrder.producer(in);
                        Tensor prev = pending.get(producer);
                        if (prev == null) {
                            pending.put(producer, gi);
                            holds.merge(gi, 1, Integer::sum);
                        } else {
                            Tensor sum = Tensor.empty(prev.dtype(), prev.device(), prev.shape());
                            sum.backend().binary(BinaryOp.ADD, prev, gi, sum);
                            pending.put(producer, sum);
                            holds.merge(sum, 1, Integer::sum);
                            release(prev, holds, gradRoot);
                        }
                    }
                }
                // Free returned gradients that nothing holds (copied into a leaf or summed).
                for (Tensor gi : grads)
                    if (gi != null
                            && gi != g
                            && gi != gradRoot
                            && !holds.containsKey(gi)
                            && !containsIdentity(adopted, gi)) gi.close();
                release(g, holds, gradRoot);
            }
        } finally {
            for (Tensor g : pending.values()) if (g != gradRoot) g.close();
            // Nodes that received no gradient (a branch the root does not depend on) are released too.
            if (!retainGraph) for (Node node : order) node.release();
        }
    }

    /**
     * Whether {@code gi} (gradient j of a node) can become a leaf's gradient as it is: a
     * contiguous tensor with its own storage that no other pending gradient, no other output of
     * the same node, the incoming gradient nor the caller's root gradient is.
     */
    private static boolean transferable(
            Tensor gi, int j, Tensor[] grads, Tensor g, Tensor gradRoot, IdentityHashMap<Tensor, Integer> holds) {
        if (gi == g
                || gi == gradRoot
                || holds.containsKey(gi)
                || gi.isClosed()
                || !gi.isContiguous()
                || !gi.storage().isExclusive()) return false;
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
