package io.weakpair.io;

import io.weakpair.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tensors by name plus string metadata: what a safetensors file holds. Closing it closes
 * every tensor still in it; {@link #take} hands one over to the caller instead.
 */
public final class NamedTensors implements AutoCloseable {
    private final LinkedHashMap<String, Tensor> tensors;
    private final Map<String, String> metadata;

    public NamedTensors(Map<String, Tensor> tensors, Map<String, String> metadata) {
        this.tensors = new LinkedHashMap<>(tensors);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The tensors in file order (a read-only view; the tensors stay owned by this object). */
    public Map<String, Tensor> tensors() {
        return Collections.unmodifiableMap(tensors);
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor of this name; throws naming the missing tensor and what there is. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor '" + name + "' (have " + tensors.keySet() + ")");
        return t;
    }

    /** Removes a tensor and gives it to the caller, who then closes it. */
    public Tensor take(String name) {
        Tensor t = get(name);
        tensors.remove(name);
        return t;
    }

    public int size() {
        return tensors.size();
    }

    @Override
    public void close() {
        tensors.values().forEach(Tensor::close);
        tensors.clear();
    }
}
