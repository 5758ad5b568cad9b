package io.weakpair.data;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress lines for work that may take more than a few seconds: silent for the first two
 * seconds, then one line a second, and a final line if anything was printed. Thread-safe.
 */
public final class Progress implements AutoCloseable {
    private static final long QUIET_NANOS = 2_000_000_000L;
    private static final long INTERVAL_NANOS = 1_000_000_000L;

    private final PrintStream out;
    private final String what;
    private final String unit;
    private final long total;
    private final long start = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private long lastPrint = start;
    private boolean printed;

    /** {@code out} may be null (no output). */
    public Progress(PrintStream out, String what, String unit, long total) {
        this.out = out;
        this.what = what;
        this.unit = unit;
        this.total = total;
    }

    public void advance(long n) {
        long now = done.addAndGet(n);
        if (out == null) return;
        long t = System.nanoTime();
        if (t - start < QUIET_NANOS || t - lastPrint < INTERVAL_NANOS) return;
        synchronized (this) {
            if (t - lastPrint < INTERVAL_NANOS) return;
            lastPrint = t;
            printed = true;
            out.printf(
                    Locale.ROOT,
                    "%s: %d/%d %s (%.0f%%), %.1f s%n",
                    what,
                    now,
                    total,
                    unit,
                    total == 0 ? 100.0 : 100.0 * now / total,
                    (t - start) / 1e9);
        }
    }

    public long done() {
        return done.get();
    }

    @Override
    public synchronized void close() {
        if (out != null && printed) {
            out.printf(
                    Locale.ROOT,
                    "%s: %d/%d %s done in %.1f s%n",
                    what,
                    done.get(),
                    total,
                    unit,
                    (System.nanoTime() - start) / 1e9);
        }
    }
}
