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
 * The MLP's first half (fc1 or BERT's intermediate dense, then GELU), F32, fused against
 * unfused, at the model's shapes: rows = batch x tokens (tiny: 64 x 25 image tokens, 64 x 32
 * text tokens), width -> n = 4 x width (tiny 128 -> 512, small 256 -> 1024).
 * <ul>
 *   <li>{@code part=layer}: unfused {@code gelu(linear(x, w, b))} (the bias broadcast into the
 *       output, GEMM with beta 1, GELU) against fused {@code biasGelu(linear(x, w, null), b)}.
 *   <li>{@code part=epilogue}: the GEMM output h given, {@code gelu(add(h, b))} against
 *       {@code biasGelu(h, b)}: the part the fusion changes.
 * </ul>
 * forwardBackward adds the backward from a fixed upstream gradient (all inputs need gradients).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 7, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
public class BiasGeluBenchmark {
    /** rows x width x n. */
    @Param({"1600x128x512", "2048x128x512", "2048x256x1024"})
    public String shape;

    @Param({"fused", "unfused"})
    public String impl;

    @Param({"layer", "epilogue"})
    public String part;

    private Tensor x, w, b, h, gy;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("x");
        int rows = Integer.parseInt(p[0]), width = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]);
        x = Tensor.randn(1, 1, DType.F32, Device.CPU, rows, width).requiresGrad(true);
        w = Tensor.randn(2, 0.02, DType.F32, Device.CPU, n, width).requiresGrad(true);
        b = Tensor.randn(3, 0.02, DType.F32, Device.CPU, n).requiresGrad(true);
        h = Tensor.randn(4, 1, DType.F32, Device.CPU, rows, n).requiresGrad(true);
        gy = Tensor.randn(5, 1, DType.F32, Device.CPU, rows, n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {x, w, b, h, gy}) t.close();
    }

    private Tensor run() {
        boolean fused = impl.equals("fused");
        if (part.equals("layer")) return fused ? F.biasGelu(F.linear(x, w, null), b) : F.gelu(F.linear(x, w, b));
        return fused ? F.biasGelu(h, b) : F.gelu(F.add(h, b));
    }

    @Benchmark
    public float forward() {
        try (GradMode off = GradMode.off();
                io.weakpair.tensor.Scope step = io.weakpair.tensor.Scope.open()) {
            return run().numel();
        }
    }

    @Benchmark
    public float forwardBackward() {
        try (io.weakpair.tensor.Scope step = io.weakpair.tensor.Scope.open()) {
            Autograd.backward(run(), gy);
        }
        float n = b.grad().numel();
        for (Tensor t : new Tensor[] {x, w, b, h}) t.zeroGrad();
        return n;
    }
}
