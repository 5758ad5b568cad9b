package io.weakpair.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.Split;
import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import io.weakpair.tensor.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a long run needs to be watched (issue 19): a checkpoint every {@code checkpoint_every}
 * steps and an evaluation every {@code eval_every} steps logged to {@code log.jsonl}; neither
 * may change the weights the run ends with.
 */
class PeriodicWatchTest {
    @TempDir
    static Path dir;

    static Dataset dataset;

    @BeforeAll
    static void data() {
        Path data = dir.resolve("synth");
        SyntheticGenerator.generate(SynthConfig.defaults().withIds(60).withSize(64, 32), data, 2, null);
        dataset = DatasetReader.read(data);
    }

    private static TrainConfig config(int every) {
        return TrainConfig.defaults()
                .with(ConfigKey.INIT, "none")
                .withAll(
                        Map.of(
                                ConfigKey.BATCH,
                                "4x2",
                                ConfigKey.MAX_STEPS,
                                12,
                                ConfigKey.EPOCHS,
                                3,
                                ConfigKey.IMAGE_SIZE,
                                "64x32",
                                ConfigKey.WARMUP_STEPS,
                                2,
                                ConfigKey.K_TEST,
                                2,
                                ConfigKey.MATCHING_EPOCHS,
                                0,
                                ConfigKey.KEEP_CHECKPOINTS,
                                10,
                                ConfigKey.CHECKPOINT_EVERY,
                                every,
                                ConfigKey.EVAL_EVERY,
                                every),
                        "test");
    }

    private static Path train(String name, int every) throws IOException {
        RunFolder run = RunFolder.prepare(dir.resolve(name));
        // The trainer alone reads the cadence: with eval_every 0 it does not even ask for the split.
        Trainer trainer = new Trainer(config(every), Device.CPU, run, System.out, Trainer.standardListeners(System.out))
                .withPeriodicEvaluation(() -> {
                    assertTrue(every > 0, "the split is asked for only when eval_every is set");
                    return dataset.split(Split.VAL);
                });
        Trainer.Outcome out = trainer.run(dataset, false);
        assertEquals(12, out.steps());
        return run.root();
    }

    @Test
    void checkpointsAndEvaluationsComeOnScheduleAndChangeNothing() throws IOException {
        Path watched = train("watched", 5), plain = train("plain", 0);
        List<String> evals = Files.readAllLines(watched.resolve(RunFolder.LOG)).stream()
                .filter(l -> l.contains("\"eval\""))
                .toList();
        assertEquals(2, evals.size(), "evaluations after steps 5 and 10: " + evals);
        assertTrue(
                evals.get(0).startsWith("{\"step\":5,\"eval\":\"val\"")
                        && evals.get(1).startsWith("{\"step\":10,"),
                evals.toString());
        for (String ranking : List.of("\"itc\":{\"r1\":", "\"itm\":{\"r1\":", "\"itc+itm\":{\"r1\":"))
            assertTrue(evals.get(0).contains(ranking), ranking + " in " + evals.get(0));
        try (var folders = Files.list(watched.resolve("checkpoints"))) {
            List<String> names = folders.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("step-"))
                    .sorted()
                    .toList();
            assertTrue(
                    names.contains("step-00000005") && names.contains("step-00000010"),
                    "periodic checkpoints: " + names);
        }
        io.weakpair.report.TrainingHistory history = io.weakpair.report.TrainingHistory.read(watched);
        assertEquals(12, history.steps().size(), "the plot's reader keeps the steps apart from the evaluations");
        assertEquals(
                List.of(5L, 10L),
                history.evaluations().stream()
                        .map(io.weakpair.report.TrainingHistory.Evaluation::step)
                        .toList());
        assertTrue(history.evaluations().get(0).rankings().get("itc").containsKey("r1"));
        assertArrayEquals(
                Files.readAllBytes(plain.resolve(RunFolder.MODEL)),
                Files.readAllBytes(watched.resolve(RunFolder.MODEL)),
                "evaluating and checkpointing between steps must not change the weights");
        List<String> watchedSteps = Files.readAllLines(watched.resolve(RunFolder.LOG)).stream()
                .filter(l -> !l.contains("\"eval\""))
                .toList();
        assertEquals(Files.readAllLines(plain.resolve(RunFolder.LOG)), watchedSteps, "the per-step log");
    }

    @Test
    void aPeriodicEvaluationNeedsImages() {
        Trainer trainer = new Trainer(config(5), Device.CPU, null, System.out, List.of());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> trainer.withPeriodicEvaluation((io.weakpair.data.DatasetSplit) null));
        assertTrue(e.getMessage().contains("periodic evaluation"), e.getMessage());
    }
}
