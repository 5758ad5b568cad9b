package io.weakpair.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Inspect datasets: `weakpair data stats` and `weakpair data preview`. */
@Command(
        name = "data",
        mixinStandardHelpOptions = true,
        description = "Inspect a dataset (CUHK-PEDES, ICFG-PEDES, RSTPReid or the synthetic benchmark).",
        subcommands = {DataStatsCommand.class, DataPreviewCommand.class})
final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
