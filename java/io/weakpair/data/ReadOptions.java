package io.weakpair.data;

import java.io.PrintStream;

/**
 * How {@link DatasetReader} treats bad records and images.
 *
 * @param strict     stop at bad records (with all of them listed) instead of skipping them
 * @param imageCheck how each image is checked before its record is accepted
 * @param format     the annotation format, or null to detect it from the files present
 * @param threads    threads for the image checks (at least 1)
 * @param progress   where to report progress of long checks, or null for silence
 */
public record ReadOptions(
        boolean strict, ImageCheck imageCheck, DatasetFormat format, int threads, PrintStream progress) {
    public ReadOptions {
        if (imageCheck == null) throw new IllegalArgumentException("imageCheck must not be null");
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }

    /** Skip bad records, decode every image, detect the format, use every core, no progress output. */
    public static ReadOptions defaults() {
        return new ReadOptions(
                false, ImageCheck.DECODE, null, Runtime.getRuntime().availableProcessors(), null);
    }

    public ReadOptions withStrict(boolean s) {
        return new ReadOptions(s, imageCheck, format, threads, progress);
    }

    public ReadOptions withImageCheck(ImageCheck c) {
        return new ReadOptions(strict, c, format, threads, progress);
    }

    public ReadOptions withFormat(DatasetFormat f) {
        return new ReadOptions(strict, imageCheck, f, threads, progress);
    }

    public ReadOptions withThreads(int t) {
        return new ReadOptions(strict, imageCheck, format, t, progress);
    }

    public ReadOptions withProgress(PrintStream p) {
        return new ReadOptions(strict, imageCheck, format, threads, p);
    }
}
