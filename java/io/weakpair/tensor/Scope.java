package io.weakpair.tensor;

import java.util.ArrayList;

/**
 * Deterministic lifetime for tensors: every tensor created while a scope is open on this
 * thread belongs to it and is closed when the scope closes, including the buffers autograd
 * nodes saved inside it (a graph whose tensors a scope closed cannot be run backward). A
 * training step runs in one scope, so its intermediates are freed at the end of the step,
 * not when the garbage collector gets to them. A tensor no scope owns is closed by hand or,
 * as a safety net, by a cleaner once unreachable ({@link UnownedTensors}).
 *
 * <pre>
 * try (Scope step = Scope.open()) {
 *     Tensor loss = model.loss(batch);
 *     Autograd.backward(loss);
 *     lossValue = loss.item();
 * } // every intermediate of the step is freed here
 * </pre>
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final Scope parent;
    private final ArrayList<Tensor> owned = new ArrayList<>();
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    private Scope(Scope parent) {
        this.parent = parent;
    }

    /** Opens a scope nested in the current one. */
    public static Scope open() {
        Scope s = new Scope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** The innermost open scope of this thread, or null. */
    public static Scope current() {
        return CURRENT.get();
    }

    static void register(Tensor t) {
        Scope s = CURRENT.get();
        if (s != null) {
            s.owned.add(t);
            t.owner = s;
        } else {
            t.becomeUnowned();
        }
    }

    /**
     * Moves {@code t} out of this scope into the enclosing one (or makes it unowned when
     * there is none, so the caller closes it). Returns {@code t}.
     */
    public Tensor keep(Tensor t) {
        if (t.owner == this) {
            if (parent != null) {
                t.owner = parent;
                parent.owned.add(t);
            } else {
                t.becomeUnowned();
            }
        }
        return t;
    }

    /**
     * Makes {@code t} owned by nobody: it lives until closed explicitly (or, if it is dropped
     * without being closed, until the cleaner frees it). Returns {@code t}.
     */
    public static Tensor detach(Tensor t) {
        t.becomeUnowned();
        return t;
    }

    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != thread)
            throw new IllegalStateException("a scope must be closed on the thread that opened it");
        if (CURRENT.get() != this) throw new IllegalStateException("scopes must be closed innermost first");
        closed = true;
        for (int i = owned.size() - 1; i >= 0; i--) {
            Tensor t = owned.get(i);
            if (t.owner == this) t.close();
        }
        owned.clear();
        CURRENT.set(parent);
    }
}
