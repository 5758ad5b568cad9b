package io.weakpair.fuzz;

import org.junit.jupiter.api.Test;

/**
 * The public tensor, op and backend API under random misuse ({@link TensorApiProperties}), in a
 * child JVM: zero crashes, and every refusal an IllegalArgumentException or IllegalStateException.
 */
class TensorApiFuzzTest {
    @Test
    void noCallCrashesTheJvm() throws Exception {
        FuzzLauncher.runProperties(TensorApiProperties.class);
    }
}
