package io.weakpair.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.loss.ContrastiveLoss;
import io.weakpair.model.Recomputation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML configuration: every error names the file, the line and the key; the saved file reads back to the same run. */
class ConfigFileTest {
    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path p = dir.resolve("c" + System.nanoTime() + ".yaml");
        Files.writeString(p, text);
        return p;
    }

    private String error(String text) throws IOException {
        Path p = yaml(text);
        return assertThrows(IllegalArgumentException.class, () -> ConfigFile.read(p, TrainConfig.defaults()))
                .getMessage();
    }

    @Test
    void readsEveryKindOfValue() throws IOException {
        TrainConfig c = ConfigFile.read(yaml("""
                stage: pretrain
                batch: 8x3
                epochs: 2
                lr: 5e-4
                lr_heads: 0.002
                alpha: 0.3
                image_size: 64x32
                seed: -7
                recompute: fusion
                dataset: "/data/my set: 1"
                """), TrainConfig.defaults());
        assertEquals(Recomputation.Mode.FUSION, c.recompute());
        assertEquals(Recomputation.Mode.NONE, TrainConfig.defaults().recompute());
        assertEquals(8, c.p());
        assertEquals(3, c.k());
        assertEquals(2, c.epochs());
        assertEquals(5e-4, c.lr());
        assertEquals(0.002, c.lrHeads());
        assertEquals(-7, c.seed());
        assertEquals(Path.of("/data/my set: 1"), c.dataset());
        assertEquals(64, c.imageSize()[0]);
        // the stage decides the objective's defaults
        assertEquals(ContrastiveLoss.Targets.ID, c.objective().targets());
        assertEquals(Objective.Matching.ITM, c.objective().matching());
        // The main job fine-tunes the shipped model; none, or a preset chosen alone, trains from scratch.
        assertFalse(TrainConfig.defaults().fromScratch());
        assertEquals(1e-4, TrainConfig.defaults().lr());
        assertEquals(5e-4, TrainConfig.defaults().lrHeads());
        TrainConfig none = TrainConfig.defaults().withAll(Map.of(ConfigKey.INIT, "none"), "--init");
        assertNull(none.init());
        assertEquals(1e-3, none.lr());
        assertTrue(TrainConfig.defaults()
                .withAll(Map.of(ConfigKey.PRESET, "small"), "--preset")
                .fromScratch());
        assertFalse(TrainConfig.defaults()
                .withAll(Map.of(ConfigKey.PRESET, "tiny", ConfigKey.INIT, "pretrained"), "test")
                .fromScratch());
        assertEquals(
                ContrastiveLoss.Targets.UNCERTAINTY,
                TrainConfig.defaults().objective().targets());
    }

    @Test
    void theMatchingLossJoinsForTheRunsLastEpochs() {
        TrainConfig d = TrainConfig.defaults(); // gitm in the last 3 epochs
        assertEquals(17, d.matchingFromEpoch(20));
        assertEquals(
                3, d.matchingFromEpoch(6), "counted from the epochs the step budget reaches, not the configured 20");
        assertEquals(Objective.Matching.NONE, d.objective(2, 6).matching());
        assertEquals(Objective.Matching.GITM, d.objective(3, 6).matching());
        assertEquals(0, d.matchingFromEpoch(1), "a one-epoch run trains it throughout");
        TrainConfig all = d.withAll(java.util.Map.of(ConfigKey.MATCHING_EPOCHS, 0), "test");
        assertEquals(0, all.matchingFromEpoch(20));
        assertEquals(Objective.Matching.GITM, all.objective(0, 20).matching());
    }

    @Test
    void anInitFolderStandsForTheModelInIt(@TempDir Path dir) throws IOException {
        Path step = Files.createDirectories(dir.resolve("checkpoints").resolve("step-00000600"));
        Files.writeString(step.resolve(RunFolder.MODEL), "x");
        assertEquals(
                step.resolve(RunFolder.MODEL),
                TrainConfig.defaults()
                        .withAll(Map.of(ConfigKey.INIT, step.toString()), "--init")
                        .init());
        Path file = dir.resolve("other.safetensors");
        assertEquals(
                file,
                TrainConfig.defaults()
                        .withAll(Map.of(ConfigKey.INIT, file.toString()), "--init")
                        .init());
        assertEquals(
                dir,
                TrainConfig.defaults()
                        .withAll(Map.of(ConfigKey.INIT, dir.toString()), "--init")
                        .init(),
                "a folder without a model stays as given");
    }

    @Test
    void anEmptyFileChangesNothing() throws IOException {
        assertEquals(TrainConfig.defaults(), ConfigFile.read(yaml("# nothing\n"), TrainConfig.defaults()));
    }

    @Test
    void unknownKeysAreNamedWithTheirLineAndTheNearestKey() throws IOException {
        String m = error("epochs: 2\nlearning_rate: 1e-3\n");
        assertTrue(m.contains("line 2") && m.contains("unknown key 'learning_rate'"), m);
        m = error("epochs: 2\n\nalpah: 0.5\n");
        assertTrue(m.contains("line 3") && m.contains("did you mean 'alpha'"), m);
    }

    @Test
    void wrongTypesAndRangesAreNamed() throws IOException {
        String m = error("epochs: two\n");
        assertTrue(m.contains("line 1") && m.contains("epochs must be a whole number, got 'two'"), m);
        m = error("lr: 1e-3\nalpha: 1.5\n");
        assertTrue(m.contains("line 2") && m.contains("alpha must be in [0, 1], got 1.5"), m);
        m = error("alpha: -0.1\n");
        assertTrue(m.contains("alpha must be in [0, 1]"), m);
        m = error("batch: 16\n");
        assertTrue(m.contains("batch must be PxK"), m);
        m = error("batch: 16x1\n");
        assertTrue(m.contains("batch must be PxK") && m.contains("[2, "), m);
        m = error("recompute: some\n");
        assertTrue(m.contains("recompute must be one of none, fusion, all, got 'some'"), m);
        m = error("matching: itc\n");
        assertTrue(m.contains("matching must be one of none, itm, gitm, got 'itc'"), m);
        m = error("epochs: [1, 2]\n");
        assertTrue(m.contains("epochs must be a single value"), m);
        m = error("epochs: 1\nepochs: 2\n");
        assertTrue(m.contains("line 2") && m.contains("set twice"), m);
        m = error("- epochs\n- lr\n");
        assertTrue(m.contains("must be a mapping"), m);
        m = error("epochs: 1\n  lr: [\n");
        assertTrue(m.contains("not valid YAML"), m);
        m = error("min_lr: 0.1\n");
        assertTrue(m.contains("min_lr (0.1) must not exceed lr"), m);
        m = assertThrows(
                        IllegalArgumentException.class,
                        () -> ConfigFile.read(dir.resolve("none.yaml"), TrainConfig.defaults()))
                .getMessage();
        assertTrue(m.contains("not found"), m);
    }

    @Test
    void theSavedConfigurationReadsBackToTheSameRun() throws IOException {
        TrainConfig c = TrainConfig.defaults()
                .withAll(
                        Map.of(
                                ConfigKey.STAGE,
                                "pretrain",
                                ConfigKey.ALPHA,
                                0.3,
                                ConfigKey.DATASET,
                                "/tmp/a \"quoted\" #path",
                                ConfigKey.SEED,
                                42,
                                ConfigKey.LR,
                                2.5e-4,
                                ConfigKey.MIN_LR,
                                0),
                        "test");
        Path p = dir.resolve("out/config.yaml");
        ConfigFile.write(c, p);
        TrainConfig back = ConfigFile.read(p, TrainConfig.defaults());
        assertEquals(c, back);
        assertEquals(c.effective(), back.effective());
        // and it documents itself: every key with a comment
        String text = Files.readString(p);
        for (ConfigKey k : ConfigKey.values()) assertTrue(text.contains("\n" + k.key() + ": "), k.key());
    }

    @Test
    void choiceKeysAreTheirEnumsAndDefaultsLiveInTheTable() {
        assertEquals(java.util.List.of("strict", "id", "uncertainty"), ConfigKey.TARGETS.choices());
        assertEquals(java.util.List.of("none", "itm", "gitm"), ConfigKey.MATCHING.choices());
        assertEquals(java.util.List.of("topk", "sample"), ConfigKey.MINING.choices());
        assertEquals(java.util.List.of("none", "fusion", "all"), ConfigKey.RECOMPUTE.choices());
        assertEquals(io.weakpair.model.ModelConfig.PRESETS, ConfigKey.PRESET.choices());
        TrainConfig c = TrainConfig.defaults()
                .withAll(
                        Map.of(
                                ConfigKey.TARGETS,
                                "STRICT",
                                ConfigKey.MATCHING,
                                "none",
                                ConfigKey.MINING,
                                "sample",
                                ConfigKey.RECOMPUTE,
                                "fusion",
                                ConfigKey.STAGE,
                                "Pretrain"),
                        "test");
        assertEquals(ContrastiveLoss.Targets.STRICT, c.objective().targets());
        assertEquals(Objective.Matching.NONE, c.objective().matching());
        assertEquals(io.weakpair.backend.MiningMode.SAMPLE, c.objective().miningMode());
        assertEquals(io.weakpair.model.Recomputation.Mode.FUSION, c.recompute());
        assertEquals(TrainConfig.Stage.PRETRAIN, c.stage());
        assertEquals("strict", c.describe().get("targets"), "stored as the canonical text");
        assertEquals(ConfigKey.ALPHA.defaultValue(), Objective.finetune().alpha());
        assertEquals(ConfigKey.BETA.defaultValue(), Objective.finetune().beta());
        assertEquals(ConfigKey.LAMBDA_MLM.defaultValue(), Objective.pretrain().lambdaMlm());
        assertThrows(
                IllegalStateException.class,
                () -> ConfigKey.TARGETS.choice(io.weakpair.backend.MiningMode.class, "topk"));
    }

    @Test
    void theCommandLineAndTheFileShareTheirChecks() {
        String m = assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults()
                        .withAll(Map.of(ConfigKey.ALPHA, "abc"), "--alpha"))
                .getMessage();
        assertEquals("--alpha: alpha must be a number, got 'abc'", m);
        m = assertThrows(IllegalArgumentException.class, () -> ConfigKey.of("lrr", "--set"))
                .getMessage();
        assertTrue(m.contains("unknown key 'lrr'") && m.contains("did you mean 'lr'"), m);
    }
}
