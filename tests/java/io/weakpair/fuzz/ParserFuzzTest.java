package io.weakpair.fuzz;

import org.junit.jupiter.api.Test;

/**
 * The readers of outside files (safetensors, the three dataset JSON formats, the losses input,
 * vocab.txt) on mutated seeds from tests/fuzz-corpus ({@link ParserProperties}), in a child JVM:
 * no crash, hang, OutOfMemoryError or unexpected exception type.
 */
class ParserFuzzTest {
    @Test
    void noInputCrashesOrEscapesTheReadersExceptions() throws Exception {
        FuzzLauncher.runProperties(ParserProperties.class);
    }
}
