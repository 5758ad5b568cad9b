package io.weakpair.cli;

import io.weakpair.config.Environment;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.function.Supplier;
import picocli.CommandLine;

/**
 * What every command shares before it runs: the WEAKPAIR_* settings are checked once (a bad
 * one is a one-line error, exit code 2, whatever the command), a thread count above the cores
 * is a one-line warning, {@code help A B} shows the help of {@code A B}, and an unknown command
 * is an error naming it (exit code 2) even with --help.
 */
final class Cli {
    private Cli() {}

    static int execute(CommandLine cli, Supplier<Environment> settings, String... args) {
        ErrorHandler errors = new ErrorHandler();
        cli.setExecutionExceptionHandler(errors);
        cli.setParameterExceptionHandler(errors);
        PrintWriter err = cli.getErr();
        String top = cli.getCommandName();
        Environment env;
        try {
            env = settings.get();
        } catch (IllegalArgumentException e) {
            err.println(top + ": error: " + e.getMessage());
            err.flush();
            return ErrorHandler.USAGE;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (env.threads() != null && env.threads() > cores) {
            err.println(top + ": warning: " + env.threadsSource() + "=" + env.threads() + " is more than the " + cores
                    + " core" + (cores == 1 ? "" : "s") + " of this machine; the kernels will share them");
            err.flush();
        }
        // "help A B" is "A B --help" (picocli's help command only looks one level down).
        if (args.length >= 2 && args[0].equals("help") && !args[1].startsWith("-")) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length + 1);
            rest[rest.length - 1] = "--help";
            args = rest;
        }
        CommandLine cmd = cli;
        for (String a : args) {
            if (a.startsWith("-")) continue; // the commands with subcommands take no option values
            if (cmd.getSubcommands().isEmpty()) break;
            CommandLine sub = cmd.getSubcommands().get(a);
            if (sub == null) {
                String name = ErrorHandler.qualifiedName(cmd);
                err.println(name + ": error: unknown command '" + a + "' (commands: "
                        + String.join(", ", cmd.getSubcommands().keySet()) + "; see '" + name + " --help')");
                err.flush();
                return ErrorHandler.USAGE;
            }
            cmd = sub;
        }
        return cli.execute(args);
    }
}
