package io.weakpair.bench;

import io.weakpair.backend.Backend;
import io.weakpair.backend.Backends;
import io.weakpair.backend.UnaryOp;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of crossing into native code for a kernel that does almost nothing: a 16-element
 * F32 unary op and fill through the CPU backend (its argument checks, the JavaCPP binding, the
 * JNI glue). Measures the binding layer, e.g. hand-typed against generated bindings; the kernel
 * work itself is a few nanoseconds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 7, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g", "-Dweakpair.threads=1"})
public class NativeCallBenchmark {
    private Backend cpu;
    private Tensor x, y;

    @Setup(Level.Trial)
    public void setUp() {
        cpu = Backends.cpu();
        x = Tensor.randn(1, 1, DType.F32, Device.CPU, 16);
        y = Tensor.empty(DType.F32, Device.CPU, 16);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        x.close();
        y.close();
    }

    @Benchmark
    public Tensor unary16() {
        cpu.unary(UnaryOp.NEG, x, y, 1, 0);
        return y;
    }

    @Benchmark
    public Tensor fill16() {
        cpu.fill(y, 0.5);
        return y;
    }
}
