package io.weakpair.autograd;

import java.util.ArrayList;

/** The per-thread record of nodes in the order they ran; backward walks it in reverse. */
public final class Tape {
    private static final ThreadLocal<ArrayList<Node>> NODES = ThreadLocal.withInitial(ArrayList::new);

    private Tape() {}

    static void add(Node node) { NODES.get().add(node); }

    static ArrayList<Node> nodes() { return NODES.get(); }

    public static int size() { return NODES.get().size(); }

    /** Drops the nodes recorded after {@code mark} (a scope closing). */
    public static void truncate(int mark) {
        ArrayList<Node> nodes = NODES.get();
        if (mark < nodes.size()) nodes.subList(mark, nodes.size()).clear();
    }

    public static void clear() { NODES.get().clear(); }
}
