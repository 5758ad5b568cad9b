package io.weakpair.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.Split;
import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import io.weakpair.eval.RetrievalMetrics;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.tensor.Device;
import io.weakpair.testing.Chance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short end-to-end run on the synthetic benchmark at 64x32 (1,000 identities, 700 to train on,
 * 200 unseen ones to search; about 660 steps, two minutes on 2 cores): it trains (uITC, GITM joining for
 * the last epoch), checkpoints, logs every step, evaluates the three rankings, and retrieves
 * unseen identities' images from their captions at least five times better than chance.
 */
class TrainerTest {
    @TempDir
    Path dir;

    @Test
    void aShortRunRetrievesFarAboveChance() throws IOException {
        Path data = dir.resolve("synth");
        SyntheticGenerator.generate(SynthConfig.defaults().withIds(E2E_IDS).withSize(64, 32), data, 2, null);
        Dataset dataset = DatasetReader.read(data);
        TrainConfig cfg = TrainConfig.defaults()
                .withAll(
                        Map.of(
                                ConfigKey.INIT,
                                "none",
                                ConfigKey.BATCH,
                                "16x4",
                                ConfigKey.EPOCHS,
                                E2E_EPOCHS,
                                ConfigKey.MATCHING_EPOCHS,
                                1,
                                ConfigKey.IMAGE_SIZE,
                                "64x32",
                                ConfigKey.WARMUP_STEPS,
                                50,
                                ConfigKey.K_TEST,
                                8,
                                ConfigKey.LAMBDA_MLM,
                                E2E_MLM),
                        "test");
        RunFolder run = RunFolder.prepare(dir.resolve("run"));
        Trainer.Outcome out = new Trainer(cfg, Device.CPU, run, System.out, Trainer.standardListeners(System.out))
                .run(dataset, false);
        List<String> log = Files.readAllLines(run.log());
        assertEquals(out.steps(), log.size(), "one log line per step");
        assertTrue(
                Files.isRegularFile(run.model()) && Files.isRegularFile(ModelCheckpoint.vocabularyPath(run.model())));
        assertEquals("tiny", ModelCheckpoint.readConfig(run.model()).preset());
        assertTrue(
                log.get(log.size() - 1).contains("\"pairs\":")
                        && !log.get(log.size() - 1).contains("\"pairs\":0"),
                "the last epoch trains GITM: " + log.get(log.size() - 1));
        DatasetSplit test = dataset.split(Split.TEST);
        assertEquals(
                List.of("itc", "itm", "itc+itm"),
                List.copyOf(out.evaluation().metrics().keySet()));
        for (RetrievalMetrics m : out.evaluation().metrics().values()) assertEquals(test.numCaptions(), m.queries());
        RetrievalMetrics itc = out.evaluation().metrics().get("itc");
        double chance = Chance.r1(test);
        System.out.printf(
                "trainer test: %d steps in %.1f s; ITC R@1 %.3f mAP %.3f; R@1 at chance %.4f (%.1fx)%n",
                out.steps(), out.trainSeconds(), itc.r1(), itc.mAP(), chance, itc.r1() / chance);
        assertTrue(itc.r1() >= 5 * chance, "ITC R@1 " + itc.r1() + " should be at least 5x chance " + chance);
    }

    private static final int E2E_IDS = 1000;
    private static final int E2E_EPOCHS = 6;
    private static final double E2E_MLM = 0;
}
