package io.weakpair.model;

import io.weakpair.io.Safetensors;
import io.weakpair.io.SafetensorsEntry;
import io.weakpair.io.SafetensorsReader;
import io.weakpair.nn.StateDicts;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Model checkpoints: safetensors with ALBEF's tensor names and the {@link ModelConfig} in
 * the metadata, so a checkpoint alone rebuilds its model. Writes are atomic (temporary file,
 * then rename). Loading is strict: a missing or unexpected tensor is reported by name, a
 * shape mismatch names the tensor and both shapes, and nothing is half-loaded.
 */
public final class ModelCheckpoint {
    /** The one tensor whose shape depends on the image size. */
    private static final String POS_EMBED = "visual_encoder.pos_embed";

    private ModelCheckpoint() {}

    /** Saves the model's weights and configuration, plus {@code extra} metadata (which must not reuse a config key). */
    public static void save(AlbefModel model, Path file, Map<String, String> extra) throws IOException {
        save(model, file, extra, null);
    }

    /**
     * The same with the weights stored as {@code floatsAs} (BF16: half the size, each value rounded
     * to nearest even; null: the model's own dtype). {@link #load} reads either into an F32 model.
     */
    public static void save(AlbefModel model, Path file, Map<String, String> extra, DType floatsAs) throws IOException {
        Map<String, String> metadata = new HashMap<>(model.config().toMetadata());
        for (Map.Entry<String, String> e : extra.entrySet())
            if (metadata.putIfAbsent(e.getKey(), e.getValue()) != null)
                throw new IllegalArgumentException(
                        "checkpoint metadata: '" + e.getKey() + "' is a model configuration key");
        model.save(file, metadata, floatsAs);
    }

    public static void save(AlbefModel model, Path file) throws IOException {
        save(model, file, Map.of());
    }

    /**
     * Where a checkpoint's vocabulary lives: beside it, named after it ({@code run/model.safetensors}
     * has {@code run/model.vocab.txt}).
     */
    public static Path vocabularyPath(Path checkpoint) {
        String name = checkpoint.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return checkpoint.resolveSibling(stem + ".vocab.txt");
    }

    /** The vocabulary file beside {@code checkpoint}; an error naming both and how to make one when it is missing. */
    public static Path requireVocabulary(Path checkpoint) {
        Path vocabFile = vocabularyPath(checkpoint);
        if (!Files.isRegularFile(vocabFile))
            throw new IllegalArgumentException("the checkpoint " + checkpoint + " has no vocabulary beside it ("
                    + vocabFile + "); use the checkpoint of a training run, or write one with 'weakpair init --vocab'");
        return vocabFile;
    }

    /** A model with the vocabulary its token ids index. */
    public record WithVocabulary(AlbefModel model, Vocabulary vocabulary) {}

    /** {@link #loadWithVocabulary(Path, Device, int, int)} at the checkpoint's own image size. */
    public static WithVocabulary loadWithVocabulary(Path file, Device device) throws IOException {
        return loadWithVocabulary(file, device, 0, 0);
    }

    /**
     * Loads a checkpoint as {@link #load(Path, Device, int, int)} does, with the vocabulary
     * beside it ({@link #vocabularyPath}). A missing vocabulary, or one whose size is not the
     * model's table size, is an error naming the files, found before the weights are read.
     * The caller owns the model.
     */
    public static WithVocabulary loadWithVocabulary(Path file, Device device, int height, int width)
            throws IOException {
        Path vocabFile = requireVocabulary(file);
        Vocabulary vocabulary = Vocabulary.read(vocabFile);
        int tableSize = readConfig(file).vocabSize();
        if (vocabulary.size() != tableSize)
            throw new IllegalArgumentException(
                    vocabFile + " has " + vocabulary.size() + " tokens but the checkpoint's vocabulary size is "
                            + tableSize + "; the vocabulary beside the checkpoint is not its own");
        return new WithVocabulary(load(file, device, height, width), vocabulary);
    }

    /** The configuration a checkpoint holds, read from its header alone. */
    public static ModelConfig readConfig(Path file) throws IOException {
        try (SafetensorsReader reader = open(file)) {
            return ModelConfig.fromMetadata(reader.metadata(), file.toString());
        }
    }

    /** The whole metadata map of a checkpoint (configuration and anything else saved with it). */
    public static Map<String, String> readMetadata(Path file) throws IOException {
        try (SafetensorsReader reader = open(file)) {
            return reader.metadata();
        }
    }

    /** Loads a checkpoint at its own image size, F32, on {@code device}. */
    public static AlbefModel load(Path file, Device device) throws IOException {
        return load(file, device, 0, 0);
    }

    /**
     * Loads a checkpoint for images of {@code height} x {@code width} (0, 0: the checkpoint's
     * own size). Another size resizes the position embeddings (CLS kept, bicubic on the grid).
     */
    public static AlbefModel load(Path file, Device device, int height, int width) throws IOException {
        ModelConfig stored = readConfig(file);
        ModelConfig config = height == 0 && width == 0 ? stored : stored.withImageSize(height, width);
        AlbefModel model = new AlbefModel(config, 0, DType.F32, device);
        try (Scope scope = Scope.open()) {
            Map<String, Tensor> overrides = new HashMap<>();
            if (config.patchRows() != stored.patchRows() || config.patchColumns() != stored.patchColumns())
                overrides.put(POS_EMBED, resizedPositions(file, stored, config));
            StateDicts.load(model, file, true, overrides);
        } catch (RuntimeException | IOException e) {
            model.close();
            throw e;
        }
        return model;
    }

    private static Tensor resizedPositions(Path file, ModelConfig stored, ModelConfig target) throws IOException {
        try (SafetensorsReader reader = open(file)) {
            SafetensorsEntry e = reader.entries().get(POS_EMBED);
            if (e == null) throw new IllegalArgumentException(file + ": missing from the file: " + POS_EMBED);
            try (Tensor p = reader.read(POS_EMBED)) {
                return PositionEmbeddings.resize(
                        p, stored.patchRows(), stored.patchColumns(), target.patchRows(), target.patchColumns());
            }
        }
    }

    private static SafetensorsReader open(Path file) throws IOException {
        if (Files.isDirectory(file))
            throw new IllegalArgumentException(file + ": is a directory, not a checkpoint file");
        if (!Files.exists(file)) throw new IllegalArgumentException(file + ": checkpoint not found");
        return Safetensors.open(file);
    }
}
