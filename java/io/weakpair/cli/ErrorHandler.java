package io.weakpair.cli;

import io.weakpair.config.Environment;
import picocli.CommandLine;

/**
 * One line on stderr for every failure, prefixed with the full command name. Exit code 2 for
 * bad usage (an unknown command, a bad option or option value, options that contradict each
 * other: picocli's parse errors and {@link UsageException}), with a pointer to --help; exit
 * code 1 for a failure while the command runs. WEAKPAIR_DEBUG=1 adds the stack trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static final int USAGE = 2;
    static final int FAILURE = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        String name = qualifiedName(cmd);
        String message = withoutPrefix(
                ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName(), cmd);
        boolean usage = ex instanceof UsageException;
        cmd.getErr().println(name + ": error: " + message + (usage ? " (see '" + name + " --help')" : ""));
        if (debug()) ex.printStackTrace(cmd.getErr());
        cmd.getErr().flush();
        return usage ? USAGE : FAILURE;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = qualifiedName(cmd);
        cmd.getErr().println(name + ": error: " + ex.getMessage() + " (see '" + name + " --help')");
        cmd.getErr().flush();
        return USAGE;
    }

    /** "synth: cannot write ..." under "weakpair synth: error: " loses its repeated "synth: ". */
    static String withoutPrefix(String message, CommandLine cmd) {
        String prefix = cmd.getCommandName() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static boolean debug() {
        try {
            return Environment.current().debug();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static String qualifiedName(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName(" ");
    }
}
