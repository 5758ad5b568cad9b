package io.weakpair.progress;

import java.util.Locale;

/** Short human durations for progress and timing lines: "42s", "3m05s", "2h07m". */
public final class Durations {
    private Durations() {}

    public static String format(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "?";
        long s = Math.round(seconds);
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60);
    }
}
