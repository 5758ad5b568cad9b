package io.weakpair.bench;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Row softmax / log-softmax over the last axis through F (op overhead included): forward,
 * and forward + backward. Shapes: a wide batch of logits and the attention-like score rows
 * of a composed attention (B*H*L rows of L).
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SoftmaxBenchmark {
    /** rows x cols. */
    @Param({"4096x1024", "19200x50", "6304x197"})
    public String shape;

    @Param({"F32"})
    public String dtype;

    @Param({"softmax", "logSoftmax"})
    public String op;

    private Tensor x;
    private Tensor gradOut;

    @Setup
    public void setUp() {
        String[] p = shape.split("x");
        int rows = Integer.parseInt(p[0]), cols = Integer.parseInt(p[1]);
        DType dt = DType.valueOf(dtype);
        x = Tensor.randn(1, 2.0, dt, Device.CPU, rows, cols).requiresGrad(true);
        gradOut = Tensor.randn(2, 1.0, dt, Device.CPU, rows, cols);
    }

    @TearDown
    public void tearDown() {
        x.close();
        gradOut.close();
    }

    private Tensor apply(Tensor t) {
        return op.equals("softmax") ? F.softmax(t) : F.logSoftmax(t);
    }

    @Benchmark
    public long forward() {
        try (Scope s = Scope.open();
                GradMode off = GradMode.off()) {
            return apply(x).address();
        }
    }

    @Benchmark
    public long forwardBackward() {
        try (Scope s = Scope.open()) {
            Tensor y = apply(x);
            Autograd.backward(y, gradOut);
            long a = x.grad().address();
            x.zeroGrad();
            return a;
        }
    }
}
