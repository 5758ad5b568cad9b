package io.weakpair.data.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.testing.CliRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The overlap between a generated corpus and the benchmark: people drawn from another seed are new ones. */
class BenchmarkTwinsTest {
    @Test
    void theBenchmarkIsItsOwnTwinAndACorpusFromAnotherSeedMeetsNone() {
        SynthConfig benchmark = SynthConfig.defaults();
        BenchmarkTwins self =
                BenchmarkTwins.of(SyntheticGenerator.plan(benchmark).identities(), benchmark);
        assertEquals(new BenchmarkTwins(200, 200, 1000, 1000), self);

        BenchmarkTwins other = BenchmarkTwins.of(
                SyntheticGenerator.plan(benchmark.withSeed(9001).withIds(3000)).identities(), benchmark);
        assertEquals(200, other.testIdentities());
        assertEquals(0, other.testTwins(), other.describe());
        assertTrue(other.describe().contains("0 of 200 benchmark test identities"), other.describe());
    }

    @Test
    void aCorpusHoldingSomeBenchmarkPeopleCountsExactlyThose() {
        SynthConfig benchmark = SynthConfig.defaults();
        List<SyntheticIdentity> people = SyntheticGenerator.plan(benchmark).identities();
        List<SyntheticIdentity> corpus = new ArrayList<>(
                SyntheticGenerator.plan(benchmark.withSeed(77).withIds(500)).identities());
        int testTaken = 0;
        for (SyntheticIdentity who : people) {
            if (who.id() % 10 == 0) {
                corpus.add(who);
                if (who.split() == io.weakpair.data.Split.TEST) testTaken++;
            }
        }
        BenchmarkTwins t = BenchmarkTwins.of(corpus, benchmark);
        assertEquals(100, t.allTwins());
        assertEquals(testTaken, t.testTwins());
    }

    @Test
    void thePretrainPresetNamesTheShippedCorpusAndExplicitOptionsWin() {
        CliRun help = CliRun.run("synth", "--help");
        assertTrue(help.out().contains("--preset") && help.out().contains("24000 identities, seed 9001"), help.out());
        CliRun bad = CliRun.run("synth", "--preset", "huge", "--out", "/nonexistent/x");
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("--preset must be benchmark or pretrain"), bad.err());
    }
}
