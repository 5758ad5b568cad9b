package io.weakpair.progress;

/** Opens the progress display of each task of a longer job (evaluation: embedding, then re-ranking). */
@FunctionalInterface
public interface ProgressFactory {
    /**
     * @param task  what is being done ("embedding the gallery")
     * @param total units of work in all (at least 0)
     * @param unit  what one unit is ("images"), plural
     */
    TaskProgress open(String task, long total, String unit);

    /** Shows nothing. */
    ProgressFactory SILENT = (task, total, unit) -> TaskProgress.silent();
}
