package io.weakpair.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.tensor.Device;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints that fail to write (a full disk) leave the previous one whole; bad run folders fail before training. */
class RunFolderTest {
    @TempDir
    Path dir;

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void aFailedCheckpointWriteLeavesThePreviousOneIntactAndSaysHowToGoOn() throws IOException {
        Path data = dir.resolve("synth");
        SyntheticGenerator.generate(SynthConfig.defaults().withIds(16).withSize(64, 32), data, 2, null);
        Dataset dataset = DatasetReader.read(data);
        TrainConfig cfg = TrainConfig.defaults()
                .with(ConfigKey.INIT, "none")
                .withAll(
                        Map.of(
                                ConfigKey.BATCH,
                                "4x2",
                                ConfigKey.EPOCHS,
                                3,
                                ConfigKey.K_TEST,
                                0,
                                ConfigKey.IMAGE_SIZE,
                                "64x32",
                                ConfigKey.WARMUP_STEPS,
                                2),
                        "test");
        RunFolder run = RunFolder.prepare(dir.resolve("run"));
        AtomicInteger saves = new AtomicInteger();
        run.setWriteHook(tmp -> {
            if (saves.incrementAndGet() == 2) throw new IOException("No space left on device");
        });
        IOException e = assertThrows(
                IOException.class, () -> new Trainer(cfg, Device.CPU, run, QUIET, List.of()).run(dataset, false));
        assertTrue(
                e.getMessage().contains("No space left on device")
                        && e.getMessage().contains("is intact")
                        && e.getMessage().contains("--resume " + run.root()),
                e.getMessage());
        RunFolder.SavedStep latest = run.latest();
        assertEquals(1, latest.state().epoch(), "the first epoch's checkpoint is still the latest");
        try (AlbefModel m = ModelCheckpoint.load(latest.model(), Device.CPU)) {
            assertTrue(m.parameterCount() > 0);
        }
        try (Stream<Path> s = Files.list(run.root().resolve("checkpoints"))) {
            assertEquals(
                    List.of("latest", latest.folder().getFileName().toString()),
                    s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no half-written checkpoint is left");
        }
        assertTrue(Files.isRegularFile(run.model()), "the run's model is the intact checkpoint's");
    }

    @Test
    void unusableRunFoldersFailBeforeTraining() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertTrue(assertThrows(IOException.class, () -> RunFolder.prepare(file))
                .getMessage()
                .contains("is a file"));
        RunFolder run = RunFolder.prepare(dir.resolve("ok"));
        String m = assertThrows(IOException.class, () -> run.checkSpace(Long.MAX_VALUE / 64))
                .getMessage();
        assertTrue(m.contains("free on its disk") && m.contains("--run-dir"), m);
        m = assertThrows(IllegalArgumentException.class, () -> RunFolder.existing(dir.resolve("ok")))
                .getMessage();
        assertTrue(m.contains("not a run folder"), m);
        Files.writeString(dir.resolve("ok").resolve("config.yaml"), "");
        m = assertThrows(IllegalArgumentException.class, () -> RunFolder.existing(dir.resolve("ok")))
                .getMessage();
        assertTrue(m.contains("no complete checkpoint"), m);
        Files.writeString(dir.resolve("ok").resolve("checkpoints").resolve("latest"), "../../etc\n");
        m = assertThrows(IllegalArgumentException.class, () -> RunFolder.existing(dir.resolve("ok")))
                .getMessage();
        assertTrue(m.contains("not a checkpoint folder"), m);
    }
}
