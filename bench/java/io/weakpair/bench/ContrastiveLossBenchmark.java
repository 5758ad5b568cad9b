package io.weakpair.bench;

import io.weakpair.autograd.Autograd;
import io.weakpair.loss.ContrastiveLoss;
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
 * uITC forward + backward (F32, D = 256, 4 samples per identity, tau = 0.07, alpha = 0.6):
 * the fused kernel (ContrastiveLoss, automatic path) against the same loss composed from the
 * engine's generic ops (ComposedContrastive). bench/compare_contrastive.sh runs it next to
 * PyTorch (bench/torch_contrastive.py). The composed form holds several N x N tensors: at
 * N = 16384 about 16 GiB, so run it there only on a machine that has the memory
 * (e.g. {@code bench/jmh.sh ContrastiveLossBenchmark.composed -p n=256,1024,4096}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
public class ContrastiveLossBenchmark {
    @Param({"256", "1024", "4096", "16384"})
    public int n;

    @Param({"256"})
    public int d;

    private Tensor image, text, tau, labels, mask;

    @Setup(Level.Trial)
    public void setUp() {
        image = Tensor.randn(n, 1, DType.F32, Device.CPU, n, d).requiresGrad(true);
        text = Tensor.randn(n + 1, 1, DType.F32, Device.CPU, n, d).requiresGrad(true);
        tau = Tensor.full(0.07, DType.F32, Device.CPU).requiresGrad(true);
        long[] y = new long[n];
        for (int i = 0; i < n; i++) y[i] = i / 4;
        labels = Tensor.ofLongs(y, n);
    }

    private Tensor mask() {
        if (mask == null) {
            float[] m = new float[n * n];
            for (int i = 0; i < n; i++) for (int j = i / 4 * 4; j < Math.min(n, i / 4 * 4 + 4); j++) m[i * n + j] = 1;
            mask = Tensor.of(m, n, n);
        }
        return mask;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {image, text, tau, labels, mask}) if (t != null) t.close();
    }

    private void clearGrads() {
        image.zeroGrad();
        text.zeroGrad();
        tau.zeroGrad();
    }

    @Benchmark
    public double fused() {
        try (io.weakpair.tensor.Scope s = io.weakpair.tensor.Scope.open()) {
            Tensor loss = ContrastiveLoss.apply(image, text, tau, labels, ContrastiveLoss.Options.uncertainty(0.6))
                    .loss();
            Autograd.backward(loss);
            double v = tau.grad().item();
            clearGrads();
            return v;
        }
    }

    @Benchmark
    public double composed() {
        Tensor m = mask();
        try (io.weakpair.tensor.Scope s = io.weakpair.tensor.Scope.open()) {
            Tensor loss = ComposedContrastive.loss(image, text, tau, m, 0.6);
            Autograd.backward(loss);
            double v = tau.grad().item();
            clearGrads();
            return v;
        }
    }
}
