package io.weakpair.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a test's check in a fresh JVM with fixed heap options, for checks of process-wide
 * state (resident memory, the tensor cleaner) that the test JVM's other tests would disturb.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** A check run by a child's {@code main}. */
    public interface Check {
        void run() throws Exception;
    }

    /** Runs {@code mainClass} in a child JVM with these options; asserts exit code 0 and returns stdout and stderr, merged. */
    public static String run(Class<?> mainClass, String... jvmOptions) throws IOException, InterruptedException {
        Process child = start(mainClass, List.of(jvmOptions), List.of(), null);
        String output = new String(child.getInputStream().readAllBytes());
        int code = child.waitFor();
        System.out.print(output);
        assertEquals(0, code, "the child " + mainClass.getSimpleName() + " failed:\n" + output);
        return output;
    }

    /**
     * Starts {@code mainClass} with these JVM options and program arguments on this test's class
     * path, stdout and stderr merged (into {@code output} when given, else left to the caller to read).
     */
    public static Process start(Class<?> mainClass, List<String> jvmOptions, List<String> args, Path output)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(args);
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        if (output != null) b.redirectOutput(output.toFile());
        return b.start();
    }

    /** The body of a child's {@code main}: exit code 0, or 1 with the failure on stdout. */
    public static void exitWith(Check check) {
        try {
            check.run();
            System.exit(0);
        } catch (Throwable t) {
            t.printStackTrace(System.out);
            System.exit(1);
        }
    }
}
