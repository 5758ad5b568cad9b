package io.weakpair.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The checkpoints that ship inside the jar (built from the repository's {@code models/}
 * folder; models/README.md is their card). {@code init: pretrained}, the main job's default,
 * names {@link #PRETRAINED_TINY}: a tiny model pre-trained on a synthetic corpus drawn
 * apart from the benchmark. It is copied out once per process, with its vocabulary beside it,
 * into a temporary folder that is removed at exit, so it loads like any checkpoint file.
 */
public final class ShippedModels {
    /** The value of {@code init} that names the shipped pre-trained tiny model. */
    public static final String PRETRAINED = "pretrained";
    /** Its file name in models/ and in the jar. */
    public static final String PRETRAINED_TINY = "tiny-pretrained.safetensors";

    private static final String RESOURCE_DIR = "/io/weakpair/models/";
    private static Path extracted;

    private ShippedModels() {}

    /** The shipped pre-trained checkpoint as a file (its vocabulary beside it). */
    public static synchronized Path pretrainedTiny() {
        if (extracted != null && Files.isRegularFile(extracted)) return extracted;
        String vocab = ModelCheckpoint.vocabularyPath(Path.of(PRETRAINED_TINY))
                .getFileName()
                .toString();
        try {
            Path dir = Files.createTempDirectory("weakpair-models");
            Path model = dir.resolve(PRETRAINED_TINY), vocabFile = dir.resolve(vocab);
            copy(PRETRAINED_TINY, model);
            copy(vocab, vocabFile);
            for (Path p : new Path[] {dir, model, vocabFile}) p.toFile().deleteOnExit();
            extracted = model;
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot copy the shipped checkpoint " + PRETRAINED_TINY + " out of the jar: " + e.getMessage(), e);
        }
    }

    private static void copy(String name, Path to) throws IOException {
        try (InputStream in = ShippedModels.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null)
                throw new IllegalArgumentException("init: pretrained: this build has no shipped " + name
                        + " (models/ was empty when it was built); "
                        + "give --init none to train from scratch, or --init CK for another checkpoint");
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
