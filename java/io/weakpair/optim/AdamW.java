package io.weakpair.optim;

import io.weakpair.io.Safetensors;
import io.weakpair.io.SafetensorsEntry;
import io.weakpair.io.SafetensorsReader;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * AdamW with decoupled weight decay, step for step what {@code torch.optim.AdamW} computes
 * (see wp/adamw.h): the decay {@code lr * weightDecay * param} is taken before the Adam
 * update and does not pass through the moments. The update runs as one native kernel per
 * parameter on the parameter's own device.
 *
 * <p>Parameters are grouped ({@link ParamGroup}); {@link #withDecayExclusions} builds the
 * usual two groups where biases, LayerNorm weights and other 1-D parameters get no decay.
 * Moments are allocated on a parameter's first step, belong to this optimiser (not to any
 * scope) and are freed by {@link #close()}.
 */
public final class AdamW implements AutoCloseable {
    /** Hyperparameters; the defaults are PyTorch's. */
    public record Config(double lr, double beta1, double beta2, double eps, double weightDecay) {
        public Config {
            requireRate(lr);
            if (!(beta1 >= 0 && beta1 < 1))
                throw new IllegalArgumentException("AdamW: beta1 must be in [0, 1), got " + beta1);
            if (!(beta2 >= 0 && beta2 < 1))
                throw new IllegalArgumentException("AdamW: beta2 must be in [0, 1), got " + beta2);
            if (!(eps > 0) || Double.isInfinite(eps))
                throw new IllegalArgumentException("AdamW: eps must be finite and > 0, got " + eps);
            if (!(weightDecay >= 0) || Double.isInfinite(weightDecay))
                throw new IllegalArgumentException("AdamW: weight decay must be finite and >= 0, got " + weightDecay);
        }

        public static Config defaults() {
            return new Config(1e-3, 0.9, 0.999, 1e-8, 1e-2);
        }

        public Config withLr(double value) {
            return new Config(value, beta1, beta2, eps, weightDecay);
        }

        public Config withWeightDecay(double value) {
            return new Config(lr, beta1, beta2, eps, value);
        }

        public Config withBetas(double b1, double b2) {
            return new Config(lr, b1, b2, eps, weightDecay);
        }

        public Config withEps(double value) {
            return new Config(lr, beta1, beta2, value, weightDecay);
        }
    }

    /** Per-parameter state: first and second moments and the number of steps taken. */
    private static final class State {
        final Tensor m;
        final Tensor v;
        long steps;

        State(Tensor param) {
            m = Scope.detach(Tensor.zerosLike(param));
            v = Scope.detach(Tensor.zerosLike(param));
        }
    }

    private final List<ParamGroup> groups;
    private final Config config;
    private final IdentityHashMap<Tensor, State> state = new IdentityHashMap<>();
    private double lr;
    private boolean closed;

    public AdamW(List<ParamGroup> groups, Config config) {
        this.groups = List.copyOf(groups);
        this.config = config;
        this.lr = config.lr();
        IdentityHashMap<Tensor, String> seen = new IdentityHashMap<>();
        for (ParamGroup g : this.groups) {
            for (Map.Entry<String, Tensor> p : g.params().entrySet()) {
                Tensor t = p.getValue();
                String where = "AdamW: parameter '" + p.getKey() + "' of group '" + g.label() + "'";
                if (t == null) throw new IllegalArgumentException(where + " is null");
                t.checkOpen("AdamW");
                if (!t.dtype().isFloating() || !t.requiresGrad() || !t.isLeaf())
                    throw new IllegalArgumentException(
                            where + " must be a floating leaf that requires a gradient, got " + t.describe());
                if (!t.isContiguous())
                    throw new IllegalArgumentException(where + " is not contiguous: " + t.describe());
                String before = seen.put(t, p.getKey());
                if (before != null)
                    throw new IllegalArgumentException(where + " is the same tensor as '" + before + "'");
            }
        }
    }

    /** One group with the config's weight decay. */
    public static AdamW of(Map<String, Tensor> params, Config config) {
        return new AdamW(List.of(new ParamGroup("all", params, config.weightDecay())), config);
    }

    /**
     * Two groups: "decay" with the config's weight decay, and "no_decay" (weight decay 0)
     * holding every parameter of rank <= 1 (biases, LayerNorm weights, scalars such as the
     * temperature) and every one whose name {@code alsoExclude} accepts.
     */
    public static AdamW withDecayExclusions(Map<String, Tensor> params, Config config, Predicate<String> alsoExclude) {
        return new AdamW(decayGroups(params, config.weightDecay(), alsoExclude), config);
    }

    /** The two groups of {@link #withDecayExclusions}, empty ones left out. */
    public static List<ParamGroup> decayGroups(
            Map<String, Tensor> params, double weightDecay, Predicate<String> alsoExclude) {
        Map<String, Tensor> decay = new LinkedHashMap<>(), noDecay = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> p : params.entrySet()) {
            boolean exclude = p.getValue().rank() <= 1 || (alsoExclude != null && alsoExclude.test(p.getKey()));
            (exclude ? noDecay : decay).put(p.getKey(), p.getValue());
        }
        List<ParamGroup> out = new ArrayList<>();
        if (!decay.isEmpty()) out.add(new ParamGroup("decay", decay, weightDecay));
        if (!noDecay.isEmpty()) out.add(new ParamGroup("no_decay", noDecay, 0));
        return out;
    }

    public List<ParamGroup> groups() {
        return groups;
    }

    public Config config() {
        return config;
    }

    /** The global learning rate (a schedule sets it before each step). */
    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        requireRate(lr);
        this.lr = lr;
    }

    /** Steps taken with this parameter (0 before its first gradient). */
    public long steps(Tensor param) {
        State s = state.get(param);
        return s == null ? 0 : s.steps;
    }

    /**
     * Updates every parameter that has a gradient; those without one are skipped and their
     * step count does not advance (as in PyTorch).
     */
    public void step() {
        if (closed) throw new IllegalStateException("AdamW is closed");
        for (ParamGroup g : groups) {
            for (Map.Entry<String, Tensor> p : g.params().entrySet()) {
                Tensor param = p.getValue().checkOpen("AdamW.step");
                Tensor grad = param.grad();
                if (grad == null) continue;
                checkGrad(p.getKey(), param, grad);
                State s = state.computeIfAbsent(param, State::new);
                s.steps++;
                Tensor gc = grad.isContiguous() ? grad : grad.contiguous();
                try {
                    param.backend()
                            .adamw(
                                    param,
                                    gc,
                                    s.m,
                                    s.v,
                                    lr * g.lrScale(),
                                    config.beta1(),
                                    config.beta2(),
                                    config.eps(),
                                    g.weightDecay(),
                                    s.steps);
                } finally {
                    if (gc != grad) gc.close();
                }
            }
        }
    }

    private static void checkGrad(String name, Tensor param, Tensor grad) {
        if (!Arrays.equals(grad.shape(), param.shape())
                || grad.dtype() != param.dtype()
                || !grad.device().equals(param.device()))
            throw new IllegalStateException("AdamW: gradient " + grad.describe() + " of parameter '" + name
                    + "' does not match " + param.describe() + " (shape, dtype and device must agree)");
    }

    private static void requireRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr))
            throw new IllegalArgumentException("AdamW: learning rate must be finite and >= 0, got " + lr);
    }

    // ---------------------------------------------------------------- checkpoints (resuming training)

    private static final String STEP_PREFIX = "step.";

    /**
     * Saves the moments as safetensors tensors {@code <name>.exp_avg} and {@code <name>.exp_avg_sq}
     * (PyTorch's names) and each parameter's step count as metadata {@code step.<name>}.
     * Parameters that have not stepped yet have no state and are left out.
     */
    public void saveState(Path file) throws IOException {
        if (closed) throw new IllegalStateException("AdamW is closed");
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        for (ParamGroup g : groups)
            for (Map.Entry<String, Tensor> p : g.params().entrySet()) {
                State s = state.get(p.getValue());
                if (s == null) continue;
                tensors.put(p.getKey() + ".exp_avg", s.m);
                tensors.put(p.getKey() + ".exp_avg_sq", s.v);
                meta.put(STEP_PREFIX + p.getKey(), Long.toString(s.steps));
            }
        Safetensors.write(file, tensors, meta);
    }

    /**
     * Restores what {@link #saveState} wrote, matched by parameter name. Every state in the
     * file must belong to a parameter of this optimiser with the same shape; parameters
     * absent from the file start fresh. Nothing changes unless the whole file fits.
     */
    public void loadState(Path file) throws IOException {
        if (closed) throw new IllegalStateException("AdamW is closed");
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (ParamGroup g : groups) byName.putAll(g.params());
        try (SafetensorsReader reader = Safetensors.open(file)) {
            Map<String, Long> steps = new LinkedHashMap<>();
            List<String> problems = new ArrayList<>();
            for (Map.Entry<String, String> m : reader.metadata().entrySet()) {
                if (!m.getKey().startsWith(STEP_PREFIX)) continue;
                String name = m.getKey().substring(STEP_PREFIX.length());
                Tensor param = byName.get(name);
                long n;
                try {
                    n = Long.parseLong(m.getValue());
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (param == null) problems.add("state for unknown parameter '" + name + "'");
                else if (n < 1) problems.add("bad step count '" + m.getValue() + "' for '" + name + "'");
                else {
                    steps.put(name, n);
                    for (String suffix : new String[] {".exp_avg", ".exp_avg_sq"}) {
                        SafetensorsEntry e = reader.entries().get(name + suffix);
                        if (e == null) problems.add("'" + name + suffix + "' is missing");
                        else if (!Arrays.equals(e.shape(), param.shape()))
                            problems.add("'" + name + suffix + "' has shape " + Arrays.toString(e.shape())
                                    + " in the file but the parameter is " + Arrays.toString(param.shape()));
                    }
                }
            }
            for (String entry : reader.entries().keySet()) {
                String name = entry.endsWith(".exp_avg")
                        ? entry.substring(0, entry.length() - 8)
                        : entry.endsWith(".exp_avg_sq") ? entry.substring(0, entry.length() - 11) : null;
                if (name == null || !steps.containsKey(name) && !byName.containsKey(name))
                    problems.add("unexpected tensor '" + entry + "'");
                else if (!steps.containsKey(name) && byName.containsKey(name))
                    problems.add("'" + entry + "' has no step count " + STEP_PREFIX + name);
            }
            if (!problems.isEmpty())
                throw new IllegalArgumentException(file + ": cannot load AdamW state: " + String.join("; ", problems));
            for (Map.Entry<String, Long> e : steps.entrySet()) {
                Tensor param = byName.get(e.getKey());
                State s = state.computeIfAbsent(param, State::new);
                copyInto(reader, e.getKey() + ".exp_avg", s.m);
                copyInto(reader, e.getKey() + ".exp_avg_sq", s.v);
                s.steps = e.getValue();
            }
        }
    }

    private static void copyInto(SafetensorsReader reader, String name, Tensor dst) throws IOException {
        try (Tensor host = reader.read(name);
                Tensor cast = host.toDType(dst.dtype())) {
            if (dst.device().isCpu()) dst.backend().copy(cast, dst);
            else dst.backend().upload(dst, cast);
        }
    }

    /** Frees the moments. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (State s : state.values()) {
            s.m.close();
            s.v.close();
        }
        state.clear();
    }
}
