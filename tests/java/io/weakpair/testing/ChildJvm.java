package io.weakpair.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes());
        int code = child.waitFor();
        System.out.print(output);
        assertEquals(0, code, "the child " + mainClass.getSimpleName() + " failed:\n" + output);
        return output;
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
