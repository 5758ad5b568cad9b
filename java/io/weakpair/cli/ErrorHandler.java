package io.weakpair.cli;

import picocli.CommandLine;

/**
 * One line on stderr for every failure, prefixed with the full command name: a bad option
 * (exit 2, with a pointer to --help) or an exception from a command (exit 1). Setting
 * WEAKPAIR_DEBUG=1 adds the stack trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        String message = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
        cmd.getErr().println(qualifiedName(cmd) + ": error: " + message);
        if (System.getenv("WEAKPAIR_DEBUG") != null) ex.printStackTrace(cmd.getErr());
        return 1;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = qualifiedName(cmd);
        cmd.getErr().println(name + ": error: " + ex.getMessage() + " (see '" + name + " --help')");
        return 2;
    }

    private static String qualifiedName(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName(" ");
    }
}
