package io.weakpair.train;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A study reuses a run left in its folder only when that run was made with the study's settings. */
class AblationReuseTest {
    @TempDir
    Path dir;

    @Test
    void sameSettingsOrOnlyWatchingKeysChangedAreReused() throws Exception {
        TrainConfig cfg = TrainConfig.defaults().with(ConfigKey.MAX_STEPS, 60).with(ConfigKey.SEED, 3L);
        ConfigFile.write(cfg, dir.resolve(RunFolder.CONFIG));
        assertDoesNotThrow(() -> Ablation.requireSameSettings(dir, cfg));
        assertDoesNotThrow(() -> Ablation.requireSameSettings(dir, cfg.with(ConfigKey.KEEP_CHECKPOINTS, 1)));
        assertDoesNotThrow(
                () -> Ablation.requireSameSettings(dir.resolve("no-run-here"), cfg.with(ConfigKey.MAX_STEPS, 7)));
    }

    @Test
    void aRunMadeWithOtherSettingsIsRefusedNamingTheKey() throws Exception {
        TrainConfig cfg = TrainConfig.defaults().with(ConfigKey.MAX_STEPS, 60);
        ConfigFile.write(cfg, dir.resolve(RunFolder.CONFIG));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Ablation.requireSameSettings(dir, cfg.with(ConfigKey.MAX_STEPS, 120)));
        assertTrue(
                e.getMessage().contains("max_steps=60")
                        && e.getMessage().contains("120")
                        && e.getMessage().contains("--out"),
                e.getMessage());
    }
}
