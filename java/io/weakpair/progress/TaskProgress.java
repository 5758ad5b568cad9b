package io.weakpair.progress;

/**
 * The progress of one task with a known amount of work (steps, images, queries): a bar on a
 * terminal, periodic plain lines in a log ({@link ProgressBars#open}). Not thread-safe: one
 * thread reports a task's progress.
 */
public interface TaskProgress extends AutoCloseable {
    /** {@code n} more units done. */
    void advance(long n);

    /** A short message shown after the counts (losses, speed); null or empty for none. */
    void message(String text);

    /** Units done so far. */
    long done();

    /** Ends the task: the bar's last state, or a final line when plain lines were printed. */
    @Override
    void close();

    /** A task that shows nothing (no output stream). */
    static TaskProgress silent() {
        return new TaskProgress() {
            private long done;

            @Override
            public void advance(long n) {
                done += n;
            }

            @Override
            public void message(String text) {}

            @Override
            public long done() {
                return done;
            }

            @Override
            public void close() {}
        };
    }
}
