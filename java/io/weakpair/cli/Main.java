package io.weakpair.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code weakpair} command line: one subcommand per job, each with --help. */
@Command(
        name = "weakpair",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Text-based person search with uncertainty-aware contrastive learning on weak positive pairs.",
        subcommands = {
            InfoCommand.class,
            TrainCommand.class,
            AblateCommand.class,
            EvalCommand.class,
            ProbeCommand.class,
            InitCommand.class,
            EmbedCommand.class,
            IndexCommand.class,
            SearchCommand.class,
            ServeCommand.class,
            LossesCommand.class,
            SynthCommand.class,
            DataCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int run(String... args) {
        return Cli.execute(new CommandLine(new Main()), io.weakpair.config.Environment::current, args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
