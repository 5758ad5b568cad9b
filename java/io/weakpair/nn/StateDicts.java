package io.weakpair.nn;

import io.weakpair.io.Safetensors;
import io.weakpair.io.SafetensorsEntry;
import io.weakpair.io.SafetensorsReader;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Saving and loading a module's {@link Module#stateDict()} through safetensors, by name.
 * Loading checks every name and shape against the file before it changes anything, and
 * reports all problems at once: names the model has and the file lacks (missing), names the
 * file has and the model lacks (unexpected), and shape mismatches with both shapes.
 */
public final class StateDicts {
    private StateDicts() {}

    /** What a load found: names not filled from the file, names in the file not used, and the file's metadata. */
    public record LoadReport(List<String> missing, List<String> unexpected, Map<String, String> metadata) {
        public LoadReport {
            missing = List.copyOf(missing);
            unexpected = List.copyOf(unexpected);
            metadata = Map.copyOf(metadata);
        }

        public boolean isComplete() {
            return missing.isEmpty() && unexpected.isEmpty();
        }
    }

    public static void save(Module module, Path file, Map<String, String> metadata) throws IOException {
        save(module, file, metadata, null);
    }

    /**
     * Saves with every floating tensor stored as {@code floatsAs} (null: as it is; BF16 halves an
     * F32 checkpoint, rounding each value to nearest even). {@link #load} reads it back into a
     * model of any floating dtype (BF16 entries are widened exactly).
     */
    public static void save(Module module, Path file, Map<String, String> metadata, DType floatsAs) throws IOException {
        Safetensors.write(file, module.stateDict(), metadata, floatsAs);
    }

    public static LoadReport load(Module module, Path file, boolean strict) throws IOException {
        return load(module, file, strict, Map.of());
    }

    /**
     * The same, with {@code overrides}: CPU tensors that stand in for the file's entries of the
     * same name (e.g. a position embedding resized for another image size). An override
     * must name an entry the file has.
     */
    public static LoadReport load(Module module, Path file, boolean strict, Map<String, Tensor> overrides)
            throws IOException {
        Map<String, Tensor> targets = module.stateDict();
        try (SafetensorsReader reader = Safetensors.open(file)) {
            Map<String, SafetensorsEntry> entries = reader.entries();
            for (String name : overrides.keySet())
                if (!entries.containsKey(name))
                    throw new IllegalArgumentException(
                            file + ": cannot override '" + name + "': the file has no such tensor");
            List<String> missing = new ArrayList<>();
            List<String> unexpected = new ArrayList<>();
            List<String> mismatched = new ArrayList<>();
            for (Map.Entry<String, Tensor> t : targets.entrySet()) {
                SafetensorsEntry e = entries.get(t.getKey());
                Tensor target = t.getValue();
                if (e == null) {
                    missing.add(t.getKey());
                } else if (!Arrays.equals(shapeOf(t.getKey(), e, overrides), target.shape())) {
                    mismatched.add(
                            "'" + t.getKey() + "' has shape " + Arrays.toString(shapeOf(t.getKey(), e, overrides))
                                    + " in the file but " + Arrays.toString(target.shape()) + " in the model");
                } else if (e.dtype().readAs().isFloating() != target.dtype().isFloating()) {
                    mismatched.add("'" + t.getKey() + "' is " + e.dtype() + " in the file but " + target.dtype()
                            + " in the model");
                }
            }
            for (String name : entries.keySet()) if (!targets.containsKey(name)) unexpected.add(name);

            List<String> problems = new ArrayList<>(mismatched);
            if (strict && !missing.isEmpty()) problems.add("missing from the file: " + describe(missing, targets));
            if (strict && !unexpected.isEmpty())
                problems.add("unexpected in the file: " + describeEntries(unexpected, entries));
            if (!problems.isEmpty())
                throw new IllegalArgumentException(
                        file + ": cannot load into " + module.kind() + ": " + String.join("; ", problems));

            for (Map.Entry<String, Tensor> t : targets.entrySet()) {
                if (!entries.containsKey(t.getKey())) continue;
                Tensor override = overrides.get(t.getKey());
                if (override != null) {
                    copyInto(override, t.getValue());
                    continue;
                }
                try (Tensor host = reader.read(t.getKey())) {
                    copyInto(host, t.getValue());
                }
            }
            return new LoadReport(missing, unexpected, reader.metadata());
        }
    }

    private static int[] shapeOf(String name, SafetensorsEntry entry, Map<String, Tensor> overrides) {
        Tensor o = overrides.get(name);
        return o != null ? o.shape() : entry.shape();
    }

    /** Copies a contiguous CPU tensor into a parameter of the same shape, converting dtype and device. */
    private static void copyInto(Tensor host, Tensor target) {
        Tensor src = host.dtype() == target.dtype() ? host : host.toDType(target.dtype());
        try {
            if (target.device().isCpu()) target.backend().copy(src, target);
            else target.backend().upload(target, src);
        } finally {
            if (src != host) src.close();
        }
    }

    private static String describe(List<String> names, Map<String, Tensor> tensors) {
        List<String> out = new ArrayList<>();
        for (String n : names)
            out.add(n + " " + tensors.get(n).dtype()
                    + Arrays.toString(tensors.get(n).shape()));
        return out.toString();
    }

    private static String describeEntries(List<String> names, Map<String, SafetensorsEntry> entries) {
        List<String> out = new ArrayList<>();
        for (String n : names)
            out.add(n + " " + entries.get(n).dtype()
                    + Arrays.toString(entries.get(n).shape()));
        return out.toString();
    }
}
