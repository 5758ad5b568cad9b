package io.weakpair.nn;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A layer or model: named parameters, named buffers and named child modules, collected
 * recursively under dotted names exactly as PyTorch's {@code state_dict} spells them
 * ({@code blocks.0.attn.qkv.weight}), so checkpoints map name for name.
 *
 * <p>Parameters are leaf tensors that require a gradient and belong to no {@link Scope}:
 * they live until the module is closed, whatever scope was open when it was built.
 * Subclasses register what they own in their constructor and define their own
 * {@code forward} with whatever arguments they need.
 */
public abstract class Module implements AutoCloseable {
    private final LinkedHashMap<String, Tensor> parameters = new LinkedHashMap<>();
    private final LinkedHashMap<String, Tensor> buffers = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;
    private boolean closed;

    // ---------------------------------------------------------------- registration (constructors)

    /**
     * Makes {@code value} a parameter of this module under {@code name}: it becomes a leaf
     * that requires a gradient, owned by this module (detached from any open scope).
     */
    protected final Tensor registerParameter(String name, Tensor value) {
        checkNewName(name);
        value.checkOpen("registerParameter");
        if (!value.isLeaf())
            throw new IllegalArgumentException(
                    kind() + ": parameter '" + name + "' must be a leaf tensor, got the output of "
                            + value.gradFn().op());
        if (!value.dtype().isFloating())
            throw new IllegalArgumentException(
                    kind() + ": parameter '" + name + "' must be floating, got " + value.describe());
        Scope.detach(value);
        value.requiresGrad(true);
        if (value.name() == null) value.setName(name);
        parameters.put(name, value);
        return value;
    }

    /**
     * A parameter named {@code name} drawn by {@code init} from the seed {@code ctx} derives for
     * that name: what a parameter starts as depends on its name, not on the order of creation.
     */
    protected final Tensor registerParameter(String name, InitContext ctx, Init init, int... shape) {
        checkNewName(name);
        return registerParameter(name, ctx.create(name, init, shape));
    }

    /** State saved with the parameters but not trained (no gradient), owned by this module. */
    protected final Tensor registerBuffer(String name, Tensor value) {
        checkNewName(name);
        value.checkOpen("registerBuffer");
        Scope.detach(value);
        if (value.name() == null) value.setName(name);
        buffers.put(name, value);
        return value;
    }

    /** Makes {@code child} a sub-module under {@code name}; this module closes it. */
    protected final <M extends Module> M registerModule(String name, M child) {
        checkNewName(name);
        if (child == null) throw new IllegalArgumentException(kind() + ": sub-module '" + name + "' is null");
        if (child == this) throw new IllegalArgumentException(kind() + ": a module cannot contain itself");
        children.put(name, child);
        return child;
    }

    /**
     * Builds a sub-module from the context {@code ctx} derives for {@code name} ({@link InitContext#child})
     * and registers it under that name: the registered name is the seed's label, so the two cannot drift apart.
     */
    protected final <M extends Module> M registerModule(String name, InitContext ctx, Function<InitContext, M> build) {
        checkNewName(name);
        return registerModule(name, build.apply(ctx.child(name)));
    }

    /**
     * A {@link ModuleList} of {@code count} sub-modules under {@code name}, item i built from the
     * context {@code ctx} derives for its dotted name {@code name.i} (the list itself has no seed:
     * its items are seeded as if registered here under their full names).
     */
    protected final <M extends Module> ModuleList<M> registerList(
            String name, int count, InitContext ctx, BiFunction<Integer, InitContext, M> build) {
        ModuleList<M> list = registerModule(name, new ModuleList<>());
        for (int i = 0; i < count; i++) list.add(build.apply(i, ctx.child(name + "." + i)));
        return list;
    }

    private void checkNewName(String name) {
        checkOpen();
        if (name == null || name.isEmpty() || name.contains("."))
            throw new IllegalArgumentException(kind() + ": bad member name '" + name + "' (non-empty, no dots)");
        if (parameters.containsKey(name) || buffers.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException(kind() + ": member name '" + name + "' is already taken");
    }

    // ---------------------------------------------------------------- traversal

    /**
     * Every parameter under its dotted name: this module's own first, then each child's in
     * registration order. A tensor shared by two modules (tied weights) is listed once,
     * under the first name, so an optimiser updates it once.
     */
    public final Map<String, Tensor> namedParameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        IdentityHashMap<Tensor, Boolean> seen = new IdentityHashMap<>();
        collect("", out, seen, false);
        return Collections.unmodifiableMap(out);
    }

    /**
     * Parameters and buffers under their dotted names, like PyTorch's {@code state_dict}:
     * tied tensors appear under every name they have (as in ALBEF checkpoints).
     */
    public final Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, null, true);
        return Collections.unmodifiableMap(out);
    }

    private void collect(
            String prefix, Map<String, Tensor> out, IdentityHashMap<Tensor, Boolean> seen, boolean withBuffers) {
        checkOpen();
        for (Map.Entry<String, Tensor> e : parameters.entrySet())
            if (seen == null || seen.put(e.getValue(), Boolean.TRUE) == null)
                out.put(prefix + e.getKey(), e.getValue());
        if (withBuffers)
            for (Map.Entry<String, Tensor> e : buffers.entrySet()) out.put(prefix + e.getKey(), e.getValue());
        for (Map.Entry<String, Module> c : children.entrySet())
            c.getValue().collect(prefix + c.getKey() + ".", out, seen, withBuffers);
    }

    /** Direct children by name. */
    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /** Number of trainable scalars (tied tensors counted once). */
    public final long parameterCount() {
        long n = 0;
        for (Tensor t : namedParameters().values()) n += t.numel();
        return n;
    }

    /** One line per parameter: name, dtype and shape, then the total. */
    public final String parameterSummary() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, Tensor> e : namedParameters().entrySet())
            sb.append(e.getKey())
                    .append(' ')
                    .append(e.getValue().dtype())
                    .append(Arrays.toString(e.getValue().shape()))
                    .append('\n');
        return sb.append(kind())
                .append(": ")
                .append(parameterCount())
                .append(" parameters")
                .toString();
    }

    // ---------------------------------------------------------------- modes and gradients

    /** Sets training mode (dropout active, ...) on this module and every descendant. */
    public Module train(boolean on) {
        checkOpen();
        training = on;
        for (Module c : children.values()) c.train(on);
        return this;
    }

    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }

    /** Frees the gradient of every parameter (the next backward allocates fresh ones). */
    public final void zeroGrad() {
        for (Tensor p : namedParameters().values()) p.zeroGrad();
    }

    // ---------------------------------------------------------------- checkpoints

    /** Saves {@link #stateDict()} as safetensors (atomically) with optional metadata. */
    public final void save(Path file, Map<String, String> metadata) throws IOException {
        StateDicts.save(this, file, metadata);
    }

    /** The same with every floating tensor stored as {@code floatsAs} (e.g. BF16; null: as it is). */
    public final void save(Path file, Map<String, String> metadata, DType floatsAs) throws IOException {
        StateDicts.save(this, file, metadata, floatsAs);
    }

    /**
     * Loads values by name from a safetensors file. Shape mismatches are always errors;
     * with {@code strict}, so are missing and unexpected names. Nothing is changed unless
     * the whole load can succeed.
     */
    public final StateDicts.LoadReport load(Path file, boolean strict) throws IOException {
        return StateDicts.load(this, file, strict);
    }

    // ---------------------------------------------------------------- lifetime

    /** A short name for messages: the class name. */
    protected String kind() {
        return getClass().getSimpleName();
    }

    public final boolean isClosed() {
        return closed;
    }

    protected final void checkOpen() {
        if (closed) throw new IllegalStateException(kind() + " is closed");
    }

    /** Frees every parameter (and its gradient), buffer and child. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Module c : children.values()) c.close();
        for (Tensor p : parameters.values()) p.close();
        for (Tensor b : buffers.values()) b.close();
    }
}
