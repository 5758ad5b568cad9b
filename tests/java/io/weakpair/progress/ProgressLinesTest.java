package io.weakpair.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plain progress lines (what a log gets): whole lines, counts, ETA, message, silence for short tasks. */
class ProgressLinesTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void everyDueUpdateIsOneWholeLineWithCountsEtaAndMessage() {
        try (TaskProgress p = new ProgressLines(out, "embedding the gallery", 4, "images", 0, 0)) {
            p.message("loss 1.5");
            p.advance(1);
            p.advance(2);
            p.advance(1); // the last unit: no progress line, the final line follows at close
            assertEquals(4, p.done());
        }
        List<String> lines = lines();
        assertEquals(3, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("embedding the gallery: 1/4 images (25%), "), lines.get(0));
        assertTrue(lines.get(0).contains("ETA ") && lines.get(0).endsWith("  loss 1.5"), lines.get(0));
        assertTrue(lines.get(1).startsWith("embedding the gallery: 3/4 images (75%)"), lines.get(1));
        assertTrue(lines.get(2).startsWith("embedding the gallery: 4/4 images (100%) done in "), lines.get(2));
        assertFalse(bytes.toString(StandardCharsets.UTF_8).contains("\r"), "no carriage returns in a log");
    }

    @Test
    void aTaskShorterThanTheQuietTimePrintsNothing() {
        try (TaskProgress p = new ProgressLines(out, "re-ranking", 100, "queries", 60_000_000_000L, 0)) {
            p.advance(100);
        }
        assertEquals("", bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aStreamThatIsNotTheTerminalGetsPlainLinesAndNullGetsNothing() {
        assertTrue(ProgressBars.open(out, "x", 3, "steps") instanceof ProgressLines);
        TaskProgress silent = ProgressBars.open(null, "x", 3, "steps");
        silent.advance(2);
        assertEquals(2, silent.done());
        silent.close();
        assertThrows(IllegalArgumentException.class, () -> ProgressBars.lines(out, "x", -1, "steps"));
    }

    @Test
    void trainingProgressShowsEpochSmoothedLossTermsAndSpeed() {
        try (TrainingProgress t = new TrainingProgress(new ProgressLines(out, "training", 3, "steps", 0, 0), 2)) {
            t.step(0, 4.0, 3.0, 0.5, 0.5, 0.07, 32);
            t.step(1, 2.0, 1.0, 0.5, 0.5, 0.06, 32);
            assertEquals(0.9 * 4.0 + 0.1 * 2.0, t.smoothedLoss(), 1e-12);
        }
        List<String> lines = lines();
        assertTrue(
                lines.get(0)
                        .matches("training: 1/3 steps \\(33%\\), .*  loss 4\\.0000  [0-9.]+ samples/s  epoch 1/2  "
                                + "\\(itc 3\\.000, match 0\\.500, mlm 0\\.500, tau 0\\.0700\\)"),
                lines.get(0));
        assertTrue(lines.get(1).contains("loss 3.8000") && lines.get(1).contains("epoch 2/2"), lines.get(1));
    }

    @Test
    void durationsAreShortAndNeverNegative() {
        assertEquals("42s", Durations.format(41.6));
        assertEquals("3m05s", Durations.format(185));
        assertEquals("2h07m", Durations.format(2 * 3600 + 7 * 60 + 10));
        assertEquals("?", Durations.format(Double.NaN));
        assertEquals("?", Durations.format(-1));
    }
}
