package io.weakpair.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file that cannot be read or written as it stands. The message always names
 * the file and, where one is at fault, the tensor, so a broken checkpoint is found quickly.
 */
public final class SafetensorsFormatException extends IOException {
    private final transient Path file;
    private final String tensor;

    public SafetensorsFormatException(Path file, String tensor, String problem) {
        super(file + (tensor != null ? ": tensor '" + tensor + "'" : "") + ": " + problem);
        this.file = file;
        this.tensor = tensor;
    }

    public SafetensorsFormatException(Path file, String problem) {
        this(file, null, problem);
    }

    public Path file() {
        return file;
    }

    /** The tensor at fault, or null when the problem is the file as a whole. */
    public String tensor() {
        return tensor;
    }
}
