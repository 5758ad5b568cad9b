package io.weakpair.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The CUDA-vs-CPU comparison fails on NaN or infinity, even where both sides hold one. */
class CudaTestSupportTest {
    @Test
    void nonFiniteValuesNeverCompareClose() {
        double nan = Double.NaN, inf = Double.POSITIVE_INFINITY;
        assertEquals(
                inf,
                CudaTestSupport.relativeError(new double[] {nan, nan}, new double[] {nan, nan}),
                "all-NaN kernel and twin");
        assertEquals(inf, CudaTestSupport.relativeError(new double[] {1, nan}, new double[] {1, 2}));
        assertEquals(inf, CudaTestSupport.relativeError(new double[] {1, inf}, new double[] {1, inf}));
        assertEquals(0.0, CudaTestSupport.relativeError(new double[] {1, 2}, new double[] {1, 2}));
    }
}
