package io.weakpair.data;

import java.util.Locale;

/** The three splits of a text-based person search benchmark; identities never cross splits. */
public enum Split {
    TRAIN,
    VAL,
    TEST;

    /** The name the dataset files use ("train", "val", "test"). */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a split name as written in the dataset files or on the command line. */
    public static Split parse(String name) {
        if (name != null) {
            for (Split s : values()) if (s.fileName().equals(name.trim().toLowerCase(Locale.ROOT))) return s;
        }
        throw new IllegalArgumentException("unknown split '" + name + "' (expected train, val or test)");
    }

    @Override
    public String toString() {
        return fileName();
    }
}
