package io.weakpair.cli;

import picocli.CommandLine;

/**
 * Turns an exception from a command into one line on stderr and exit code 1: the message
 * says what was wrong; --debug (or WEAKPAIR_DEBUG=1) adds the stack trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        String message = ex.getMessage() != null ? ex.getMessage() : ex.getClass().getSimpleName();
        cmd.getErr().println("weakpair " + cmd.getCommandName() + ": error: " + message);
        if (System.getenv("WEAKPAIR_DEBUG") != null) ex.printStackTrace(cmd.getErr());
        return 1;
    }
}
