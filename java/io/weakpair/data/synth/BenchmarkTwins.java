package io.weakpair.data.synth;

import io.weakpair.data.Split;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How much of the benchmark a generated corpus contains: the benchmark's identities whose
 * appearance is exactly that of one of the corpus's identities. A pre-training corpus is
 * drawn from another seed, so its people are new ones; but the appearance space is finite,
 * so a large corpus may meet a benchmark person by chance. Counting the twins says whether
 * zero-shot numbers on the benchmark's test split measure generalisation or recall.
 *
 * <p>Only the plans are compared (no pixels are drawn), so this takes a second.
 *
 * @param testIdentities the benchmark's test identities
 * @param testTwins      of those, how many have an exact appearance twin in the corpus
 * @param allIdentities  the benchmark's identities in every split
 * @param allTwins       of those, how many have a twin
 */
public record BenchmarkTwins(int testIdentities, int testTwins, int allIdentities, int allTwins) {

    /** Compares a corpus's identities with those of the benchmark {@code benchmark} describes. */
    public static BenchmarkTwins of(List<SyntheticIdentity> corpus, SynthConfig benchmark) {
        Set<Identity> looks = new HashSet<>();
        for (SyntheticIdentity who : corpus) looks.add(who.appearance());
        int test = 0, testTwins = 0, all = 0, allTwins = 0;
        for (SyntheticIdentity who : SyntheticGenerator.plan(benchmark).identities()) {
            boolean twin = looks.contains(who.appearance());
            all++;
            if (twin) allTwins++;
            if (who.split() == Split.TEST) {
                test++;
                if (twin) testTwins++;
            }
        }
        return new BenchmarkTwins(test, testTwins, all, allTwins);
    }

    /** One line for the terminal. */
    public String describe() {
        return String.format(
                java.util.Locale.ROOT,
                "benchmark overlap: %d of %d benchmark test identities (%d of %d in all splits) have an exact appearance twin in this corpus",
                testTwins,
                testIdentities,
                allTwins,
                allIdentities);
    }
}
