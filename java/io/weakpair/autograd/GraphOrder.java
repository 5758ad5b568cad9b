package io.weakpair.autograd;

import io.weakpair.tensor.GradFn;
import io.weakpair.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;

/**
 * The nodes a backward from one root visits, found by following each node's inputs to their
 * producers (there is no global tape: a graph nothing refers to any more is garbage, not a
 * record that grows). They are ordered latest recorded first, which is the order the forward
 * ran them in reverse, so every node runs after all the nodes that read its output.
 */
final class GraphOrder {
    private GraphOrder() {}

    static ArrayList<Node> of(Tensor root) {
        ArrayList<Node> nodes = new ArrayList<>();
        IdentityHashMap<Node, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Node> stack = new ArrayDeque<>();
        Node first = producer(root);
        seen.put(first, Boolean.TRUE);
        stack.push(first);
        while (!stack.isEmpty()) {
            Node node = stack.pop();
            if (node.isReleased())
                throw new IllegalStateException("backward: the graph behind " + root.describe()
                        + " was already released by an"
                        + " earlier backward (at '" + node.op() + "'); pass retainGraph = true to that backward to run"
                        + " backward through the graph again");
            nodes.add(node);
            for (Tensor in : node.inputs()) {
                if (in == null || in.isLeaf()) continue;
                Node p = producer(in);
                if (seen.put(p, Boolean.TRUE) == null) stack.push(p);
            }
        }
        nodes.sort((a, b) -> Long.compare(b.sequence(), a.sequence()));
        return nodes;
    }

    /** The node that produced a non-leaf tensor. */
    static Node producer(Tensor t) {
        GradFn fn = t.gradFn();
        if (fn instanceof Node n) return n;
        throw new IllegalStateException("backward: " + t.describe() + " was produced by " + fn.op()
                + ", which is not an" + " autograd node (only io.weakpair.autograd.Node can be recorded)");
    }
}
