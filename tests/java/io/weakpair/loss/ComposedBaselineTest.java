package io.weakpair.loss;

import static io.weakpair.loss.LossFixtures.assertClose;

import io.weakpair.autograd.Autograd;
import io.weakpair.bench.ComposedContrastive;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The benchmark's composed baseline computes the same loss and gradients as the fused kernel. */
class ComposedBaselineTest {
    @Test
    void composedEqualsFused() {
        int n = 40, d = 12;
        try (Scope s = Scope.open()) {
            long[] y = new long[n];
            float[] m = new float[n * n];
            for (int i = 0; i < n; i++) y[i] = i / 4;
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i * n + j] = y[i] == y[j] ? 1 : 0;
            Tensor image = Tensor.randn(1, 1, DType.F64, Device.CPU, n, d).requiresGrad(true);
            Tensor text = Tensor.randn(2, 1, DType.F64, Device.CPU, n, d).requiresGrad(true);
            Tensor tau = Tensor.full(0.07, DType.F64, Device.CPU).requiresGrad(true);
            Tensor composed = ComposedContrastive.loss(
                    image, text, tau, Tensor.of(m, n, n).toDType(DType.F64), 0.6);
            Autograd.backward(composed);
            double[] gi = image.grad().toDoubleArray(), gt = tau.grad().toDoubleArray();
            image.zeroGrad();
            text.zeroGrad();
            tau.zeroGrad();
            Tensor fused = ContrastiveLoss.apply(
                            image, text, tau, Tensor.ofLongs(y, n), ContrastiveLoss.Options.uncertainty(0.6))
                    .loss();
            Autograd.backward(fused);
            assertClose(composed.item(), fused.item(), 1e-12, "loss");
            assertClose(new double[][] {gi}, new double[][] {image.grad().toDoubleArray()}, 1e-10, "grad image");
            assertClose(gt[0], tau.grad().item(), 1e-10, "grad tau");
        }
    }
}
