package io.weakpair.bench;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * F32 layer normalisation over the last axis through the engine (F.layerNorm: validation,
 * allocation, the fused kernel), with gamma and beta, eps 1e-6 as in the ViT; the same cases
 * as bench/torch_ops.py. forwardBackward also computes gx, ggamma and gbeta from a fixed
 * upstream gradient.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
public class LayerNormBenchmark {
    /** rows x features. */
    @Param({"4096x256", "8192x768"})
    public String shape;

    private Tensor x, gamma, beta, gy;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("x");
        int rows = Integer.parseInt(p[0]), cols = Integer.parseInt(p[1]);
        x = Tensor.randn(1, 1, DType.F32, Device.CPU, rows, cols).requiresGrad(true);
        gamma = Tensor.randn(2, 1, DType.F32, Device.CPU, cols).requiresGrad(true);
        beta = Tensor.randn(3, 1, DType.F32, Device.CPU, cols).requiresGrad(true);
        gy = Tensor.randn(4, 1, DType.F32, Device.CPU, rows, cols);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        gamma.close();
        beta.close();
        gy.close();
    }

    @Benchmark
    public float forward() {
        try (GradMode off = GradMode.off();
                Tensor y = F.layerNorm(x, gamma, beta, 1e-6)) {
            return y.numel();
        }
    }

    @Benchmark
    public float forwardBackward() {
        // A scope frees the saved statistics and the node's other intermediates at the end.
        try (io.weakpair.tensor.Scope step = io.weakpair.tensor.Scope.open()) {
            Tensor y = F.layerNorm(x, gamma, beta, 1e-6);
            Autograd.backward(y, gy);
        }
        float n = x.grad().numel() + gamma.grad().numel() + beta.grad().numel();
        x.zeroGrad();
        gamma.zeroGrad();
        beta.zeroGrad();
        return n;
    }
}
