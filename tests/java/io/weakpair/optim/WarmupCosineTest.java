package io.weakpair.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WarmupCosineTest {
    private static final double PEAK = 1e-3, FLOOR = 1e-5;

    @Test
    void keySteps() {
        WarmupCosine s = new WarmupCosine(PEAK, FLOOR, 10, 110);
        assertEquals(PEAK / 10, s.lr(0), 1e-18, "step 0 already trains");
        assertEquals(PEAK * 5 / 10, s.lr(4), 1e-18);
        assertEquals(PEAK, s.lr(9), 1e-18, "warm-up ends at the peak");
        assertEquals(PEAK, s.lr(10), 1e-18, "the cosine starts at the peak");
        assertEquals((PEAK + FLOOR) / 2, s.lr(60), 1e-15, "half way down the cosine is the mean");
        assertEquals(FLOOR, s.lr(110), 0);
        assertEquals(FLOOR, s.lr(1_000_000), 0, "stays at the floor");
        assertEquals(FLOOR + (PEAK - FLOOR) * (1 + Math.cos(Math.PI / 4)) / 2, s.lr(35), 1e-15);
    }

    @Test
    void shapeOfTheCurve() {
        WarmupCosine s = new WarmupCosine(PEAK, FLOOR, 10, 110);
        for (int i = 1; i < 10; i++) assertTrue(s.lr(i) > s.lr(i - 1), "warm-up rises at step " + i);
        for (int i = 11; i <= 110; i++) assertTrue(s.lr(i) < s.lr(i - 1), "the cosine falls at step " + i);
        for (int k = 0; k <= 50; k++)
            assertEquals(PEAK + FLOOR, s.lr(10 + k) + s.lr(110 - k), 1e-15, "symmetric around the midpoint, k=" + k);
    }

    @Test
    void noWarmupAndZeroFloor() {
        WarmupCosine s = new WarmupCosine(PEAK, 0, 0, 100);
        assertEquals(PEAK, s.lr(0), 0);
        assertEquals(0, s.lr(100), 0);
        WarmupCosine onlyWarmup = new WarmupCosine(PEAK, FLOOR, 5, 5);
        assertEquals(PEAK, onlyWarmup.lr(4), 1e-18);
        assertEquals(FLOOR, onlyWarmup.lr(5), 0);
    }

    @Test
    void rejectsInconsistentSettings() {
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(PEAK, 2 * PEAK, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(PEAK, FLOOR, 11, 10));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(-1, 0, 1, 10));
        assertThrows(IllegalArgumentException.class, () -> new WarmupCosine(PEAK, FLOOR, 1, 10).lr(-1));
    }
}
