package io.weakpair.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Misuse must be a Java exception whose message names what was wrong (never a JVM crash). */
public final class Misuse {
    private Misuse() {}

    /** {@code call} throws a RuntimeException whose message contains every fragment. */
    public static RuntimeException rejects(Executable call, String... fragments) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        String message = String.valueOf(e.getMessage());
        for (String f : fragments) assertTrue(message.contains(f), "message '" + message + "' lacks '" + f + "'");
        return e;
    }
}
