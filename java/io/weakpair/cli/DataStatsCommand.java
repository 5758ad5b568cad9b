package io.weakpair.cli;

import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Per-split counts of a dataset and what was skipped while reading it. */
@Command(
        name = "stats",
        mixinStandardHelpOptions = true,
        description =
                "Per split: identities, images, captions, caption length, images per identity; and skipped records.")
final class DataStatsCommand implements Runnable {
    @Mixin
    DatasetOptions data;

    @Override
    public void run() {
        Dataset d = data.read();
        System.out.print(DatasetStats.format(d));
    }
}
