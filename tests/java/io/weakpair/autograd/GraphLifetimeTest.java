package io.weakpair.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.loss.ContrastiveLoss;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.MemoryStats;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a backward frees (the graph's saved tensors), retainGraph, and the errors for a graph that is gone. */
@ExtendWith(ScopePerTest.class)
class GraphLifetimeTest {
    private static final int ROWS = 4, COLS = 8;

    @Test
    void backwardClosesTheTensorsNodesSavedButNotTheCallers() {
        Tensor x = Tensor.randn(1, 1, DType.F64, Device.CPU, ROWS, COLS).requiresGrad(true);
        Tensor y = F.layerNorm(x, null, null, 1e-5); // saves x (a view), the row means and reciprocal stds
        Tensor loss = F.sum(F.mul(y, y));
        long afterForward = MemoryStats.liveBytes(Device.Kind.CPU);
        Autograd.backward(loss);
        assertFalse(x.grad() == null);
        x.zeroGrad();
        assertEquals(
                afterForward - 2L * ROWS * Double.BYTES,
                MemoryStats.liveBytes(Device.Kind.CPU),
                "the means and reciprocal stds layer norm saved are freed by backward, nothing else");
        assertFalse(y.isClosed() || loss.isClosed() || x.isClosed(), "the caller's tensors stay open");
        assertEquals(COLS * ROWS, y.toDoubleArray().length);
    }

    @Test
    void secondBackwardWithoutRetainGraphIsAClearError() {
        Tensor x = Tensor.randn(2, 1, DType.F64, Device.CPU, ROWS, COLS).requiresGrad(true);
        Tensor loss = F.sum(F.tanh(x));
        Autograd.backward(loss);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Autograd.backward(loss));
        assertTrue(
                e.getMessage().contains("already released") && e.getMessage().contains("retainGraph"), e.getMessage());
        // A graph that shares the released part is refused too, as in PyTorch.
        Tensor other = F.sum(F.mul(loss, loss));
        assertThrows(IllegalStateException.class, () -> Autograd.backward(other));
    }

    @Test
    void retainGraphRunsTheSameGraphAgain() {
        Tensor x = Tensor.randn(3, 1, DType.F64, Device.CPU, ROWS, COLS).requiresGrad(true);
        Tensor w = Tensor.randn(4, 1, DType.F64, Device.CPU, COLS, COLS).requiresGrad(true);
        Tensor loss = F.mean(F.gelu(F.layerNorm(F.matmul(x, w), null, null, 1e-5)));
        Autograd.backward(loss, true);
        double[] once = x.grad().toDoubleArray();
        Autograd.backward(loss); // the second pass releases the graph
        double[] twice = x.grad().toDoubleArray();
        for (int i = 0; i < once.length; i++)
            assertEquals(2 * once[i], twice[i], 1e-12 * Math.max(1, Math.abs(once[i])));
        assertThrows(IllegalStateException.class, () -> Autograd.backward(loss));
    }

    @Test
    void retainGraphKeepsTheContrastiveLossSavedGradients() {
        // The fused loss hands its precomputed gradients over unless the graph is retained.
        int n = 4, d = 6;
        Tensor img = Tensor.randn(5, 1, DType.F64, Device.CPU, n, d).requiresGrad(true);
        Tensor txt = Tensor.randn(6, 1, DType.F64, Device.CPU, n, d).requiresGrad(true);
        Tensor tau = Tensor.full(0.1, DType.F64, Device.CPU);
        Tensor labels = Tensor.ofLongs(new long[] {0, 0, 1, 1}, n);
        Tensor loss = ContrastiveLoss.apply(img, txt, tau, labels, ContrastiveLoss.Options.itcId())
                .loss();
        Autograd.backward(loss, true);
        double[] once = img.grad().toDoubleArray();
        Autograd.backward(loss, true);
        Autograd.backward(loss);
        double[] thrice = img.grad().toDoubleArray();
        for (int i = 0; i < once.length; i++)
            assertEquals(3 * once[i], thrice[i], 1e-12 * Math.max(1, Math.abs(once[i])));
        assertThrows(IllegalStateException.class, () -> Autograd.backward(loss));
    }

    @Test
    void backwardThroughAGraphWhoseScopeClosedNamesTheOp() {
        Tensor x = Tensor.randn(7, 1, DType.F64, Device.CPU, ROWS, COLS).requiresGrad(true);
        Tensor kept;
        try (Scope s = Scope.open()) {
            kept = s.keep(F.sum(F.layerNorm(x, null, null, 1e-5)));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Autograd.backward(kept));
        assertTrue(
                e.getMessage().contains("layer") && e.getMessage().contains("closed before backward"), e.getMessage());
    }

    @Test
    void anIntermediateClosedByHandStillPassesItsGradient() {
        // Ops that do not read their output may have it closed before backward (composed attention does).
        Tensor x = Tensor.of(new double[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor doubled = F.scale(x, 2);
        Tensor loss = F.sum(F.add(doubled, x));
        doubled.close();
        Autograd.backward(loss);
        assertArrayEquals(new double[] {3, 3, 3}, x.grad().toDoubleArray());
    }
}
