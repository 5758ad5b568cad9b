package io.weakpair.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(ScopePerTest.class)
class GradClipTest {
    /** Leaves that outlive the per-test scope (parameters are never scope-owned). */
    private final List<Tensor> params = new ArrayList<>();

    @AfterEach
    void closeParams() {
        params.forEach(Tensor::close);
    }

    private Tensor paramWithGrad(long seed, DType dtype, double scale, int... shape) {
        Tensor p = Scope.detach(Tensor.zeros(dtype, shape)).requiresGrad(true);
        p.setGrad(Tensor.uniform(seed, -scale, scale, dtype, Device.CPU, shape));
        params.add(p);
        return p;
    }

    private static double norm(List<Tensor> ps) {
        double s = 0;
        for (Tensor p : ps) if (p.grad() != null) for (double g : p.grad().toDoubleArray()) s += g * g;
        return Math.sqrt(s);
    }

    @Test
    void clipsToExactlyTheMaximumNormKeepingDirection() {
        List<Tensor> ps = List.of(
                paramWithGrad(1, DType.F64, 3, 4, 5),
                paramWithGrad(2, DType.F64, 0.1, 7),
                paramWithGrad(3, DType.F64, 10, 2, 3, 2));
        Tensor noGrad = Scope.detach(Tensor.zeros(DType.F64, 3)).requiresGrad(true);
        params.add(noGrad);
        List<Tensor> all = List.of(ps.get(0), ps.get(1), noGrad, ps.get(2));
        double before = norm(ps);
        double[] g0 = ps.get(0).grad().toDoubleArray();
        double max = before / 3.7;
        double reported = GradClip.clipGradNorm(all, max);
        assertEquals(before, reported, 1e-12 * before, "returns the norm before clipping");
        assertEquals(max, norm(ps), 1e-12 * max, "the clipped norm is exactly the maximum");
        double[] g0After = ps.get(0).grad().toDoubleArray();
        for (int i = 0; i < g0.length; i++) assertEquals(g0[i] * max / before, g0After[i], 1e-15, "same direction");
    }

    @Test
    void clipsFloat32Too() {
        List<Tensor> ps = List.of(paramWithGrad(4, DType.F32, 2, 300), paramWithGrad(5, DType.F32, 2, 17, 3));
        double before = norm(ps);
        GradClip.clipGradNorm(ps, 1.0);
        assertEquals(1.0, norm(ps), 1e-6);
        assertTrue(before > 1);
    }

    @Test
    void leavesSmallGradientsUntouched() {
        List<Tensor> ps = List.of(paramWithGrad(6, DType.F64, 0.01, 5), paramWithGrad(7, DType.F64, 0.01, 3, 3));
        double[] g = ps.get(1).grad().toDoubleArray();
        double n = GradClip.clipGradNorm(ps, 10);
        assertEquals(norm(ps), n, 1e-15);
        assertArrayEquals(g, ps.get(1).grad().toDoubleArray());
    }

    @Test
    void nonContiguousGradientsAreScaledInPlace() {
        Tensor p = Scope.detach(Tensor.zeros(DType.F64, 3, 2)).requiresGrad(true);
        params.add(p);
        Tensor base = Tensor.of(new double[] {3, 0, 0, 0, 4, 0}, 2, 3);
        p.setGrad(base.view(new int[] {3, 2}, new long[] {1, 3}, 0)); // transposed view: [[3,0],[0,4],[0,0]]
        assertEquals(5.0, GradClip.clipGradNorm(List.of(p), 1.0), 1e-15);
        assertArrayEquals(new double[] {0.6, 0, 0, 0.8, 0, 0}, p.grad().toDoubleArray(), 1e-15);
    }

    @Test
    void nonFiniteNormIsReportedAndNothingIsScaled() {
        Tensor p = paramWithGrad(8, DType.F64, 1, 4);
        Tensor q = Scope.detach(Tensor.zeros(DType.F64, 2)).requiresGrad(true);
        params.add(q);
        q.setGrad(Tensor.of(new double[] {Double.NaN, 1}, 2));
        double[] g = p.grad().toDoubleArray();
        assertTrue(Double.isNaN(GradClip.clipGradNorm(List.of(p, q), 1e-3)));
        assertArrayEquals(g, p.grad().toDoubleArray());
    }

    @Test
    void rejectsNonPositiveMaximum() {
        Tensor p = paramWithGrad(9, DType.F64, 1, 4);
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(List.of(p), 0));
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGradNorm(List.of(p), Double.NaN));
    }
}
