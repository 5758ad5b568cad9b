package io.weakpair.progress;

import java.io.PrintStream;

/**
 * Chooses how progress is shown. On an interactive terminal (a console attached and the
 * stream is the process's own standard output): a redrawn bar. Anywhere else (CI logs, a
 * pipe, a file, tests capturing the output): plain lines every few seconds, because the
 * library would otherwise create a "dumb" terminal and print carriage-return redraws that a
 * log shows as one endless line.
 */
public final class ProgressBars {
    /** Plain lines: silent for the first two seconds, then one line every five. */
    static final long QUIET_NANOS = 2_000_000_000L;

    static final long INTERVAL_NANOS = 5_000_000_000L;

    /** The real standard output at start-up, before anything (a test) redirects System.out. */
    private static final PrintStream STARTUP_OUT = System.out;

    private ProgressBars() {}

    /** The display for {@code out}: a bar when it is the terminal, plain lines otherwise, nothing when {@code out} is null. */
    public static TaskProgress open(PrintStream out, String task, long total, String unit) {
        if (out == null) return TaskProgress.silent();
        if (isTerminal(out)) return new TerminalBar(task, total, unit);
        return lines(out, task, total, unit);
    }

    /** Always plain lines (for a log file, or to keep a job's output stable). */
    public static TaskProgress lines(PrintStream out, String task, long total, String unit) {
        return new ProgressLines(out, task, total, unit, QUIET_NANOS, INTERVAL_NANOS);
    }

    /** A factory that opens every task on {@code out} the same way ({@link #open}). */
    public static ProgressFactory on(PrintStream out) {
        return (task, total, unit) -> open(out, task, total, unit);
    }

    /** True when {@code out} is the process's standard output and a console is attached to it. */
    static boolean isTerminal(PrintStream out) {
        return out == STARTUP_OUT && System.console() != null;
    }
}
