package io.weakpair.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Shape arithmetic against exact (BigInteger) arithmetic: no silent overflow. Pure Java, so it
 * runs in the test JVM itself, under the jqwik engine next to Jupiter.
 */
class ShapesPropertiesTest {
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    @Property(tries = 2000)
    void numelIsExactOrRefused(@ForAll @Size(max = 8) List<@IntRange(min = 0, max = Integer.MAX_VALUE) Integer> dims) {
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        BigInteger exact = BigInteger.ONE;
        for (int d : shape) exact = exact.multiply(BigInteger.valueOf(d));
        if (exact.compareTo(LONG_MAX) <= 0) {
            assertEquals(exact.longValueExact(), Shapes.numel(shape));
        } else {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shapes.numel(shape));
            assertTrue(e.getMessage().contains(Shapes.str(shape)), e.getMessage());
        }
    }

    @Property(tries = 2000)
    void byteCountIsExactOrRefused(
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int a,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int b,
            @ForAll @IntRange(min = 0, max = 4) int c,
            @ForAll("elementSizes") int bytes) {
        int[] shape = {a, b, Math.max(1, c) << 28};
        BigInteger exact = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).multiply(BigInteger.valueOf(shape[2]));
        if (exact.compareTo(LONG_MAX) > 0) {
            assertThrows(IllegalArgumentException.class, () -> Shapes.numel(shape));
            return;
        }
        BigInteger total = exact.multiply(BigInteger.valueOf(bytes));
        if (total.compareTo(LONG_MAX) <= 0)
            assertEquals(total.longValueExact(), Shapes.byteCount(exact.longValueExact(), bytes, shape));
        else assertThrows(IllegalArgumentException.class, () -> Shapes.byteCount(exact.longValueExact(), bytes, shape));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Integer> elementSizes() {
        return net.jqwik.api.Arbitraries.of(4, 8);
    }
}
