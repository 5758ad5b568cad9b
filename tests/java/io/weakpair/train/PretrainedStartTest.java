package io.weakpair.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.Split;
import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import io.weakpair.eval.RetrievalMetrics;
import io.weakpair.tensor.Device;
import io.weakpair.testing.Chance;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job's start (issue 19): a short fine-tune from the shipped pre-trained model
 * retrieves unseen people far above chance, by a margin that the same number of steps from
 * scratch does not come near. If loading the shipped checkpoint ever fell back to random
 * weights, the two runs would look alike and this test would fail.
 */
class PretrainedStartTest {
    @TempDir
    Path dir;

    private static final int STEPS = 30;

    private Trainer.Outcome run(Dataset data, String init, String name) throws IOException {
        TrainConfig cfg = TrainConfig.defaults()
                .withAll(
                        Map.of(
                                ConfigKey.INIT,
                                init,
                                ConfigKey.MAX_STEPS,
                                STEPS,
                                ConfigKey.EPOCHS,
                                1,
                                ConfigKey.WARMUP_STEPS,
                                5,
                                ConfigKey.K_TEST,
                                8,
                                ConfigKey.MATCHING_EPOCHS,
                                0),
                        "test");
        return new Trainer(
                        cfg, Device.CPU, RunFolder.prepare(dir.resolve(name)), System.out, List.of(new JsonLinesLog()))
                .run(data, false);
    }

    @Test
    void aShortFineTuneFromTheShippedModelIsFarAboveChanceAndAboveTheSameRunFromScratch() throws IOException {
        Path data = dir.resolve("synth");
        SyntheticGenerator.generate(SynthConfig.defaults().withIds(300), data, 2, null);
        Dataset dataset = DatasetReader.read(data);
        double chance = Chance.r1(dataset.split(Split.TEST));
        Trainer.Outcome tuned = run(dataset, "pretrained", "tuned"), scratch = run(dataset, "none", "scratch");
        assertEquals(
                List.of("itc", "itm", "itc+itm"),
                List.copyOf(tuned.evaluation().metrics().keySet()));
        RetrievalMetrics t = tuned.evaluation().metrics().get("itc"),
                s = scratch.evaluation().metrics().get("itc");
        System.out.printf(
                "pretrained start: %d steps; ITC R@1 %.4f from the shipped model, %.4f from scratch, chance %.4f (%.0fx / %.1fx)%n",
                STEPS, t.r1(), s.r1(), chance, t.r1() / chance, s.r1() / chance);
        assertTrue(t.r1() >= 12 * chance, "fine-tuned ITC R@1 " + t.r1() + " should be at least 12x chance " + chance);
        assertTrue(
                t.r1() >= 4 * s.r1(),
                "fine-tuned ITC R@1 " + t.r1() + " should be at least 4x the same run from scratch " + s.r1());
    }
}
