package io.weakpair.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.MemoryStats;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The caching allocator on a device: training steps in steady state make no cudaMalloc calls. */
class CudaMemoryTest {
    @Test
    void steadyStateStepsDoNotCallCudaMalloc() {
        Device gpu = CudaTestSupport.device();
        CudaBackend cuda = CudaBackends.get(gpu.index());
        Tensor w = Tensor.randn(1, 0.1, DType.F32, gpu, 48, 32).requiresGrad(true);
        Tensor b = Tensor.zeros(DType.F32, gpu, 48).requiresGrad(true);
        Tensor x = Tensor.randn(2, 1.0, DType.F32, gpu, 64, 32);
        long before = 0;
        long liveBefore = MemoryStats.liveStorages(Device.Kind.CUDA);
        for (int step = 0; step < 6; step++) {
            try (Scope s = Scope.open()) {
                Tensor loss = F.mean(F.square(F.tanh(F.linear(x, w, b))));
                Autograd.backward(loss);
                loss.item();
                w.zeroGrad();
                b.zeroGrad();
            }
            if (step == 1) before = cuda.memoryStats().deviceAllocations();
        }
        CudaMemoryStats after = cuda.memoryStats();
        System.out.println("after 6 steps: " + after);
        assertEquals(before, after.deviceAllocations(), "steps 3-6 called cudaMalloc");
        assertEquals(liveBefore, MemoryStats.liveStorages(Device.Kind.CUDA), "a step leaked device tensors");
        cuda.emptyCache();
        assertEquals(0, cuda.memoryStats().cachedBytes());
        assertTrue(cuda.memoryStats().deviceFrees() > 0);
        w.close();
        b.close();
        x.close();
    }
}
