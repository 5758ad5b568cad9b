package io.weakpair.io;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.stream.Stream;

/**
 * Writes a whole folder (an HTML report with its images) so that readers see the old folder
 * or the complete new one, never a half-written one: the content goes to a hidden temporary
 * folder beside the target, which is then renamed into place. An existing target is only
 * replaced when it is empty or holds the {@code marker} file (so it was written this way
 * before); its old content is moved aside first and deleted after the rename.
 */
public final class AtomicDirectory {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicDirectory() {}

    /** Fills a fresh, empty folder. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path dir) throws IOException;
    }

    public static void write(Path target, String marker, Content content) throws IOException {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null)
            throw new IllegalArgumentException("cannot write the folder " + target + ": it has no parent folder");
        checkReplaceable(target, absolute, marker);
        Files.createDirectories(parent);
        String name = absolute.getFileName().toString();
        Path tmp = parent.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".tmp");
        Path old = null;
        try {
            Files.createDirectory(tmp);
            content.writeTo(tmp);
            if (Files.exists(absolute)) {
                old = parent.resolve("." + name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + ".old");
                Files.move(absolute, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
        } finally {
            if (tmp != null) {
                deleteTree(tmp);
                // Put the old folder back when the new one could not take its place.
                if (old != null && !Files.exists(absolute)) Files.move(old, absolute, StandardCopyOption.ATOMIC_MOVE);
                else if (old != null) deleteTree(old);
            }
        }
        if (old != null) deleteTree(old);
    }

    private static void checkReplaceable(Path target, Path absolute, String marker) throws IOException {
        if (!Files.exists(absolute)) return;
        if (!Files.isDirectory(absolute)) throw new IllegalArgumentException(target + " is a file, not a folder");
        if (Files.isRegularFile(absolute.resolve(marker))) return;
        try (Stream<Path> entries = Files.list(absolute)) {
            if (entries.findAny().isPresent())
                throw new IllegalArgumentException(target + " is a folder that is not empty and holds no " + marker
                        + "; give a new or empty folder (it would be replaced)");
        }
    }

    /** Deletes a folder and everything in it (links are deleted, not followed). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
