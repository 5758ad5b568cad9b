package io.weakpair.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.model.ModelConfig;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.TextBatch;
import io.weakpair.train.Objective;
import io.weakpair.train.StepLosses;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole model on the CUDA backend: one training step's forward (contrastive, GITM and MLM
 * losses) and the gradient of every parameter equal the CPU's. The ops are twinned one by one
 * elsewhere; this checks their composition into the model.
 */
class CudaModelTest {
    @TempDir
    Path dir;

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) s += x * x;
        return Math.sqrt(s);
    }

    @Test
    void aTrainingStepOnTheDeviceEqualsTheCpus() throws IOException {
        Device gpu = CudaTestSupport.device();
        ModelConfig c = new ModelConfig("custom", 32, 16, 8, 16, 1, 2, 2, 16, 1, 1, 2, 32, 40, 12, 10, 8, true);
        Path ck = dir.resolve("m.safetensors");
        try (AlbefModel cpu = new AlbefModel(c, 5, DType.F32, Device.CPU)) {
            ModelCheckpoint.save(cpu, ck);
        }
        int n = 8, l = 10;
        int[] labels = {0, 0, 1, 1, 2, 2, 3, 3};
        int[] ids = new int[n * l], mask = new int[n * l];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < 6 + i % 4; j++) {
                ids[i * l + j] = j == 0 ? 2 : 5 + (i * 7 + j * 3) % 35;
                mask[i * l + j] = 1;
            }
        TextBatch text = new TextBatch(ids, mask, n, l, 0, 2, 4, 40);
        try (AlbefModel onCpu = ModelCheckpoint.load(ck, Device.CPU);
                AlbefModel onGpu = ModelCheckpoint.load(ck, gpu);
                Scope s = Scope.open()) {
            Tensor images = Tensor.randn(3, 1, DType.F32, Device.CPU, n, 3, 32, 16);
            StepLosses a = StepLosses.compute(onCpu, images, text, labels, Objective.finetune(), 11);
            Autograd.backward(a.total());
            StepLosses b = StepLosses.compute(onGpu, images.to(gpu), text, labels, Objective.finetune(), 11);
            Autograd.backward(b.total());
            assertEquals(a.pairs(), b.pairs(), "the same mined pairs");
            assertEquals(a.itc(), b.itc(), 1e-5 * Math.abs(a.itc()), "itc");
            assertEquals(a.matching(), b.matching(), 1e-5 * Math.abs(a.matching()), "gitm");
            assertEquals(a.mlm(), b.mlm(), 1e-5 * Math.abs(a.mlm()), "mlm");
            // Per parameter, relative to its own gradient's size, with a floor at 1e-4 of the largest one: a key
            // bias's true gradient is 0 (softmax ignores a shift per row), so only rounding noise is left to compare.
            Map<String, Tensor> gp = onGpu.namedParameters();
            double largest = 0;
            for (Tensor p : onCpu.namedParameters().values())
                largest = Math.max(largest, norm(p.grad().toDoubleArray()));
            double worst = 0;
            for (Map.Entry<String, Tensor> e : onCpu.namedParameters().entrySet()) {
                double[] want = e.getValue().grad().toDoubleArray(),
                        got = gp.get(e.getKey()).grad().toDoubleArray();
                double[] diff = new double[want.length];
                for (int i = 0; i < want.length; i++) diff[i] = got[i] - want[i];
                double rel = norm(diff) / Math.max(norm(want), 1e-4 * largest);
                worst = Math.max(worst, rel);
                assertTrue(rel <= 1e-4, "gradient of " + e.getKey() + ": relative error " + rel);
            }
            System.out.printf(
                    "cuda-vs-cpu whole model step: %d parameter gradients, worst relative error %.3e%n",
                    onCpu.namedParameters().size(), worst);
        }
    }
}
