package io.weakpair.bench;

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
 * F32 matrix products through the engine (F.matmul: validation, output allocation, OpenBLAS).
 * Shapes: the contrastive similarity (N x D by D x N), a square product, and a ViT qkv
 * projection (tokens x width by width x 3 width).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
public class GemmBenchmark {
    /** M x K x N. */
    @Param({"4096x256x4096", "1024x1024x1024", "1576x768x2304"})
    public String shape;

    private Tensor a, b;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("x");
        int m = Integer.parseInt(p[0]), k = Integer.parseInt(p[1]), n = Integer.parseInt(p[2]);
        a = Tensor.randn(1, 1, DType.F32, Device.CPU, m, k);
        b = Tensor.randn(2, 1, DType.F32, Device.CPU, k, n);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
    }

    @Benchmark
    public void matmul() {
        try (GradMode off = GradMode.off();
                Tensor c = F.matmul(a, b)) {
            if (c.numel() == 0) throw new AssertionError();
        }
    }
}
