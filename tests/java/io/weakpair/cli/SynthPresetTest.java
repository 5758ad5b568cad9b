package io.weakpair.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weakpair.data.synth.SynthConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code synth --preset}: the benchmark by default, the pre-training corpus by name, explicit options over either. */
class SynthPresetTest {
    private static SynthConfig parse(String... args) {
        SynthCommand c = new SynthCommand();
        new CommandLine(c).parseArgs(args);
        return c.config();
    }

    @Test
    void presetsAndOverrides() {
        assertEquals(SynthConfig.defaults(), parse());
        SynthConfig corpus = parse("--preset", "pretrain");
        assertEquals(24_000, corpus.ids());
        assertEquals(9001, corpus.seed());
        assertEquals(List.of(0.98, 0.01, 0.01), corpus.splitRatios());
        assertEquals(SynthConfig.defaults().withIds(24_000).withSeed(9001).views(), corpus.views());
        SynthConfig small = parse("--preset", "PRETRAIN", "--ids", "300", "--split-ratios", "0.5,0.25,0.25");
        assertEquals(300, small.ids());
        assertEquals(9001, small.seed());
        assertEquals(List.of(0.5, 0.25, 0.25), small.splitRatios());
    }
}
