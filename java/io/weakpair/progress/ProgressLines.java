package io.weakpair.progress;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress as whole lines, for logs (CI, a file, a pipe) where a redrawn bar would pile up
 * carriage returns into one unreadable line: the first line once the task has run for a
 * moment, then one line per interval, and a final line with the total time if anything was
 * printed (so a short task stays quiet). Each line: counts, percent, elapsed, ETA, message.
 */
final class ProgressLines implements TaskProgress {
    private final PrintStream out;
    private final String task;
    private final String unit;
    private final long total;
    private final long quietNanos;
    private final long intervalNanos;
    private final long start = System.nanoTime();
    private long lastPrint;
    private long done;
    private String message = "";
    private boolean printed;

    ProgressLines(PrintStream out, String task, long total, String unit, long quietNanos, long intervalNanos) {
        if (total < 0)
            throw new IllegalArgumentException("progress of '" + task + "': total must not be negative, got " + total);
        this.out = out;
        this.task = task;
        this.unit = unit;
        this.total = total;
        this.quietNanos = quietNanos;
        this.intervalNanos = intervalNanos;
        this.lastPrint = start;
    }

    @Override
    public void advance(long n) {
        done += n;
        long now = System.nanoTime();
        boolean due = printed ? now - lastPrint >= intervalNanos : now - start >= quietNanos;
        if (due && done < total) print(now, false);
    }

    @Override
    public void message(String text) {
        message = text == null ? "" : text;
    }

    @Override
    public long done() {
        return done;
    }

    @Override
    public void close() {
        if (printed) print(System.nanoTime(), true);
    }

    private void print(long now, boolean last) {
        lastPrint = now;
        printed = true;
        double elapsed = (now - start) / 1e9;
        String counts = String.format(
                Locale.ROOT,
                "%s: %d/%d %s (%.0f%%)",
                task,
                done,
                total,
                unit,
                total == 0 ? 100.0 : 100.0 * done / total);
        String timing = last
                ? " done in " + Durations.format(elapsed)
                : ", " + Durations.format(elapsed) + " elapsed, ETA "
                        + (done == 0 ? "?" : Durations.format(elapsed / done * (total - done)));
        out.println(counts + timing + (message.isEmpty() ? "" : "  " + message));
    }
}
