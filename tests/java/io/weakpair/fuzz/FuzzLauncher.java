package io.weakpair.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a class of fuzz properties in a child JVM ({@link FuzzChild}) and fails with the child's
 * output when it crashed (died by a signal or wrote an hs_err file), hung past its time limit, or
 * one of its properties failed. (The tests' plain child JVM, for a check of process-wide state, is
 * {@code io.weakpair.testing.ChildJvm}.)
 *
 * <p>Tries per property: {@code -Dweakpair.fuzz.tries=N} (default {@link #DEFAULT_TRIES}, the
 * bounded CI run); a long run, e.g. {@code -Dweakpair.fuzz.tries=200000 -Dweakpair.fuzz.minutes=120}
 * (tests/README.md).
 */
final class FuzzLauncher {
    static final int DEFAULT_TRIES = 400;

    private FuzzLauncher() {}

    static int tries() {
        return Integer.getInteger("weakpair.fuzz.tries", DEFAULT_TRIES);
    }

    static void runProperties(Class<?> properties) throws IOException, InterruptedException {
        Path dir = Path.of("target", "fuzz", properties.getSimpleName());
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : (Iterable<Path>) old::iterator)
                if (p.getFileName().toString().startsWith("hs_err")) Files.delete(p);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(
                java,
                "-Xmx1g",
                "-XX:+UseSerialGC",
                "-XX:ErrorFile=" + dir.resolve("hs_err_%p.log"),
                "-Dweakpair.fuzz.tries=" + tries(),
                "-cp",
                System.getProperty("java.class.path"),
                FuzzChild.class.getName(),
                properties.getName(),
                Integer.toString(tries()),
                dir.resolve("jqwik-database").toString());
        Process child = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("child-output.txt").toFile())
                .start();
        long minutes = Long.getLong("weakpair.fuzz.minutes", 10);
        if (!child.waitFor(minutes, TimeUnit.MINUTES)) {
            child.destroyForcibly().waitFor();
            fail(properties.getSimpleName() + ": the fuzz child hung for more than " + minutes + " minutes; output in "
                    + dir.resolve("child-output.txt") + ":\n" + tail(dir));
        }
        int code = child.exitValue();
        String output = tail(dir);
        System.out.println(properties.getSimpleName() + " (" + tries() + " tries per property), child exit code " + code
                + ":\n" + output);
        boolean hsErr;
        try (Stream<Path> files = Files.list(dir)) {
            hsErr = files.anyMatch(p -> p.getFileName().toString().startsWith("hs_err"));
        }
        assertTrue(
                code < 128 && !hsErr,
                properties.getSimpleName() + ": the fuzz child CRASHED (exit code " + code
                        + (hsErr ? ", hs_err file in " + dir : "") + "):\n" + output);
        assertEquals(0, code, properties.getSimpleName() + ": a fuzz property failed:\n" + output);
    }

    /** The last lines of the child's output (the summary and any failure). */
    private static String tail(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("child-output.txt"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 120), lines.size()));
    }
}
