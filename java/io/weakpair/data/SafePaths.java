package io.weakpair.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Resolves image paths taken from a dataset file so that none can point outside the
 * dataset's image folder: absolute paths, {@code ..} components and symbolic links that
 * lead out are rejected. The image folder itself may be a link (data on another disk).
 */
final class SafePaths {
    private final Path imageRoot;
    private final Path realImageRoot;

    SafePaths(Path imageRoot) {
        this.imageRoot = imageRoot.toAbsolutePath().normalize();
        Path real;
        try {
            real = this.imageRoot.toRealPath();
        } catch (IOException e) {
            real = this.imageRoot; // the folder is missing: every image will be reported missing
        }
        this.realImageRoot = real;
    }

    /** Thrown for a path that must not be used; the message says why. */
    static final class UnsafePathException extends Exception {
        UnsafePathException(String message) {
            super(message);
        }
    }

    /** The file {@code relative} names inside the image folder. */
    Path resolve(String relative) throws UnsafePathException {
        if (relative.isBlank()) throw new UnsafePathException("empty path");
        if (relative.indexOf('\0') >= 0) throw new UnsafePathException("path contains a NUL character");
        // Annotation files made on Windows may use backslashes; treat them as separators so
        // that "..\\x" cannot slip past the ".." check.
        String unified = relative.replace('\\', '/');
        if (unified.startsWith("/") || unified.matches("^[A-Za-z]:.*")) {
            throw new UnsafePathException("absolute path not allowed");
        }
        Path p;
        try {
            p = Path.of(unified);
        } catch (InvalidPathException e) {
            throw new UnsafePathException("invalid path: " + e.getReason());
        }
        if (p.isAbsolute()) throw new UnsafePathException("absolute path not allowed");
        for (Path part : p) {
            if (part.toString().equals("..")) throw new UnsafePathException("'..' escapes the dataset root");
        }
        Path resolved = imageRoot.resolve(p).normalize();
        if (!resolved.startsWith(imageRoot)) throw new UnsafePathException("path escapes the dataset root");
        if (Files.exists(resolved)) {
            try {
                if (!resolved.toRealPath().startsWith(realImageRoot)) {
                    throw new UnsafePathException("symbolic link escapes the dataset root");
                }
            } catch (IOException e) {
                throw new UnsafePathException("cannot resolve path: " + e.getMessage());
            }
        }
        return resolved;
    }
}
