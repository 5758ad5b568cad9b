package io.weakpair.testing;

import io.weakpair.backend.Backends;
import io.weakpair.cli.Main;
import io.weakpair.config.Environment;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Exit code, stdout and stderr of one in-process run of the command line. */
public record CliRun(int code, String out, String err) {
    /**
     * Runs {@code weakpair args...} with the WEAKPAIR_* settings read from {@code env} instead of
     * the process environment (system properties are read as usual).
     */
    public static CliRun run(Map<String, String> env, String... args) {
        Backends.cpu(); // the CPU backend starts with the real settings, never a deliberately bad one
        Environment.replaceForTesting(env);
        try {
            return run(args);
        } finally {
            Environment.replaceForTesting(null);
        }
    }

    /** Runs {@code weakpair args...} in this JVM, capturing its output. */
    public static CliRun run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
