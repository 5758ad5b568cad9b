package io.weakpair.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetReader;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.model.ModelConfig;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.testing.TinyDatasets;
import io.weakpair.text.Vocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training from an init checkpoint: the run keeps the init checkpoint's own vocabulary (not one
 * built from the captions), and a missing or foreign vocabulary beside it is the one error of
 * {@link ModelCheckpoint#loadWithVocabulary}.
 */
class TrainerInitTest {
    @TempDir
    static Path dir;

    static Dataset dataset;
    static Vocabulary vocab;

    @BeforeAll
    static void data() throws IOException {
        dataset = DatasetReader.read(TinyDatasets.write(dir.resolve("data"), 4, 2, 2, false));
        List<String> tokens = new ArrayList<>(Vocabulary.SPECIAL_TOKENS);
        tokens.addAll(List.of("a", "person", "number", "seen", "in", "view", "someone", "walking"));
        vocab = Vocabulary.of(tokens);
    }

    /** A tiny checkpoint whose table has {@code tableSize} rows, with {@code vocabulary} beside it (none for null). */
    private static Path checkpoint(String name, int tableSize, Vocabulary vocabulary) throws IOException {
        Path file = dir.resolve(name + ".safetensors");
        try (AlbefModel m =
                new AlbefModel(ModelConfig.preset("tiny").withVocabSize(tableSize), 5, DType.F32, Device.CPU)) {
            ModelCheckpoint.save(m, file);
        }
        if (vocabulary != null) vocabulary.write(ModelCheckpoint.vocabularyPath(file));
        return file;
    }

    private static Trainer.Outcome train(Path init, String runName) throws IOException {
        TrainConfig cfg = TrainConfig.defaults()
                .withAll(
                        Map.of(
                                ConfigKey.INIT,
                                init.toString(),
                                ConfigKey.BATCH,
                                "2x2",
                                ConfigKey.MAX_STEPS,
                                1,
                                ConfigKey.EPOCHS,
                                1,
                                ConfigKey.IMAGE_SIZE,
                                "64x32",
                                ConfigKey.K_TEST,
                                0),
                        "test");
        RunFolder run = RunFolder.prepare(dir.resolve(runName));
        return new Trainer(cfg, Device.CPU, run, System.out, List.of()).run(dataset, false);
    }

    @Test
    void keepsTheInitCheckpointsVocabulary() throws IOException {
        Trainer.Outcome out = train(checkpoint("init", vocab.size(), vocab), "run");
        assertEquals(1, out.steps());
        assertEquals(vocab.size(), ModelCheckpoint.readConfig(out.checkpoint()).vocabSize());
        assertEquals(
                Files.readAllLines(ModelCheckpoint.vocabularyPath(dir.resolve("init.safetensors"))),
                Files.readAllLines(ModelCheckpoint.vocabularyPath(out.checkpoint())),
                "the run saves the init checkpoint's vocabulary");
    }

    @Test
    void aMissingOrForeignVocabularyIsTheOneError() throws IOException {
        IllegalArgumentException foreign = assertThrows(
                IllegalArgumentException.class,
                () -> train(checkpoint("foreign", vocab.size() + 3, vocab), "run-foreign"));
        assertTrue(
                foreign.getMessage()
                        .contains("has " + vocab.size() + " tokens but the checkpoint's vocabulary size is "
                                + (vocab.size() + 3) + "; the vocabulary beside the checkpoint is not its own"),
                foreign.getMessage());
        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class, () -> train(checkpoint("lonely", vocab.size(), null), "run-lonely"));
        assertTrue(missing.getMessage().contains("has no vocabulary beside it"), missing.getMessage());
    }
}
