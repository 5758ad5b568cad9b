package io.weakpair.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Formatting and checks of the metrics record. */
class RetrievalMetricsTest {
    private static final RetrievalMetrics M = new RetrievalMetrics(0.5, 0.75, 1.0, 0.123456, 0.0, 4);

    @Test
    void rowPrintsPercentagesWithTwoDecimalsUnderTheHeader() {
        assertEquals("ITC            50.00   75.00  100.00   12.35    0.00        4", M.row("ITC"));
        assertEquals("ranking          R@1     R@5    R@10     mAP    mINP  queries", RetrievalMetrics.header());
        assertEquals(RetrievalMetrics.header().length(), M.row("combined").length());
    }

    @Test
    void rowUsesADecimalPointWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertTrue(M.row("ITM").contains(" 50.00 "), M.row("ITM"));
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void asMapGivesPercentInOrder() {
        Map<String, Double> m = M.asMap();
        assertEquals(List.of("R@1", "R@5", "R@10", "mAP", "mINP"), List.copyOf(m.keySet()));
        assertEquals(50.0, m.get("R@1"), 1e-12);
        assertEquals(75.0, m.get("R@5"), 1e-12);
        assertEquals(100.0, m.get("R@10"), 1e-12);
        assertEquals(12.3456, m.get("mAP"), 1e-12);
        assertEquals(0.0, m.get("mINP"), 1e-12);
        assertThrows(UnsupportedOperationException.class, () -> m.put("x", 1.0));
    }

    @Test
    void rejectsValuesThatCannotBeMetrics() {
        assertMessage("mAP must be a fraction in [0, 1], got 1.5", () -> new RetrievalMetrics(0, 0, 0, 1.5, 0, 1));
        assertMessage(
                "mINP must be a fraction in [0, 1], got NaN", () -> new RetrievalMetrics(0, 0, 0, 0, Double.NaN, 1));
        assertMessage("R@1 must be a fraction in [0, 1], got -0.1", () -> new RetrievalMetrics(-0.1, 0, 0, 0, 0, 1));
        assertMessage("queries must be at least 1, got 0", () -> new RetrievalMetrics(0, 0, 0, 0, 0, 0));
        assertMessage("R@1 <= R@5 <= R@10 must hold", () -> new RetrievalMetrics(0.5, 0.25, 1, 0, 0, 1));
    }

    static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), () -> "expected '" + part + "' in: " + e.getMessage());
    }
}
