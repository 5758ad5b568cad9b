package io.weakpair.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks of the files a command reads and writes, with errors about the paths the user gave. */
final class CliFiles {
    private CliFiles() {}

    /** An existing regular file to read (exit code 1 otherwise: missing, a directory, unreadable). */
    static void checkInputFile(String option, Path in) {
        if (Files.isDirectory(in))
            throw new IllegalArgumentException(option + " " + in + " is a directory, not a file");
        if (!Files.exists(in)) throw new IllegalArgumentException(option + " file not found: " + in);
        if (!Files.isRegularFile(in)) throw new IllegalArgumentException(option + " " + in + " is not a regular file");
        if (!Files.isReadable(in)) throw new IllegalArgumentException(option + " " + in + ": permission denied");
    }

    /**
     * A file to write: not one of the inputs (the same file under any spelling, links included:
     * a usage error, exit code 2) and not a directory (exit code 1).
     */
    static void checkOutputFile(String option, Path out, String inputOption, Path in) {
        if (sameFile(out, in))
            throw new UsageException(
                    option + " " + out + " is the same file as " + inputOption + " " + in + "; write to another file");
        if (Files.isDirectory(out))
            throw new IllegalArgumentException(option + " " + out + " is a directory, not a file");
    }

    /** True when the two paths name one file: Files.isSameFile when both exist, else their normalised absolute forms. */
    static boolean sameFile(Path a, Path b) {
        if (Files.exists(a) && Files.exists(b)) {
            try {
                return Files.isSameFile(a, b);
            } catch (IOException e) {
                // fall through to the path comparison
            }
        }
        return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    }

    /** An output file that is not a directory (exit code 1 otherwise). */
    static void checkOutputFile(String option, Path out) {
        if (Files.isDirectory(out))
            throw new IllegalArgumentException(option + " " + out + " is a directory, not a file");
    }

    /** Creates the missing parent folders of an output file (a file standing where a folder must be is named). */
    static void createParents(String option, Path out) throws IOException {
        Path parent = out.toAbsolutePath().getParent();
        if (parent == null) return;
        try {
            Files.createDirectories(parent);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new IllegalArgumentException(
                    option + " " + out + ": cannot create the folder " + e.getFile() + ": a file of that name exists");
        }
    }
}
