package io.weakpair.progress;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A redrawn bar on an interactive terminal (me.tongfei:progressbar): counts, elapsed, ETA and
 * the message (no speed column: on an 80-column terminal it would push the message out). The library redraws from its own thread once a second and writes to
 * the process's real standard error, so the bar never mixes into redirected standard output.
 */
final class TerminalBar implements TaskProgress {
    private final ProgressBar bar;

    TerminalBar(String task, long total, String unit) {
        bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setUpdateIntervalMillis(500)
                .build();
    }

    @Override
    public void advance(long n) {
        bar.stepBy(n);
    }

    @Override
    public void message(String text) {
        bar.setExtraMessage(text == null ? "" : text);
    }

    @Override
    public long done() {
        return bar.getCurrent();
    }

    @Override
    public void close() {
        bar.close();
    }
}
