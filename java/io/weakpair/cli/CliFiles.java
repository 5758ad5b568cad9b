package io.weakpair.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The checks every command makes of the files it is given, with messages that name the option and the path. */
final class CliFiles {
    private CliFiles() {}

    /** An existing regular file to read. */
    static Path input(Path file, String option) {
        if (Files.isDirectory(file)) throw new IllegalArgumentException(option + " " + file + " is a directory, not a file");
        if (!Files.exists(file)) throw new IllegalArgumentException(option + " " + file + ": file not found");
        if (!Files.isReadable(file)) throw new IllegalArgumentException(option + " " + file + ": file is not readable");
        return file;
    }

    /** A file to write: not a directory; its missing parent folders are created. */
    static Path output(Path file, String option) throws IOException {
        if (Files.isDirectory(file)) throw new IllegalArgumentException(option + " " + file + " is a directory; give a file name");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        return file;
    }

    /** Refuses to write an output over one of the inputs. */
    static void distinct(Path input, Path output, String inputOption, String outputOption) throws IOException {
        boolean same = Files.exists(output) ? Files.isSameFile(input, output)
                : input.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize());
        if (same) throw new IllegalArgumentException(outputOption + " " + output + " is the same file as " + inputOption + "; choose another output");
    }
}
