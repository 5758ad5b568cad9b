package io.weakpair.bench;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.ops.ComposedAttention;
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
 * Fused attention (F.attention) against the same attention composed from matmul, softmax and
 * a mask bias (ComposedAttention), forward and forward + backward. Shapes are
 * batch x heads x queries x keys x headDim: a ViT on 384x128 images (1 + 24*8 tokens), BERT
 * self-attention on 50 tokens, and fusion cross-attention (50 text queries on 193 image keys).
 * mask=padded masks the last quarter of every batch's keys (text padding). Peak memory of
 * the two is reported by {@link AttentionMemory}.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AttentionBenchmark {
    @Param({"8x4x197x197x64", "32x12x50x50x64", "32x12x50x193x64"})
    public String shape;

    @Param({"fused", "composed"})
    public String impl;

    @Param({"none"})
    public String mask;

    @Param({"F32"})
    public String dtype;

    private Tensor q, k, v, keyMask, gradOut;

    @Setup
    public void setUp() {
        int[] s = parse(shape);
        DType dt = DType.valueOf(dtype);
        q = Tensor.randn(1, 1.0, dt, Device.CPU, s[0], s[1], s[2], s[4]).requiresGrad(true);
        k = Tensor.randn(2, 1.0, dt, Device.CPU, s[0], s[1], s[3], s[4]).requiresGrad(true);
        v = Tensor.randn(3, 1.0, dt, Device.CPU, s[0], s[1], s[3], s[4]).requiresGrad(true);
        gradOut = Tensor.randn(4, 1.0, dt, Device.CPU, s[0], s[1], s[2], s[4]);
        keyMask = mask.equals("padded") ? paddedMask(s[0], s[3]) : null;
    }

    static int[] parse(String shape) {
        String[] p = shape.split("x");
        int[] s = new int[p.length];
        for (int i = 0; i < p.length; i++) s[i] = Integer.parseInt(p[i]);
        return s;
    }

    /** Every batch attends to the first three quarters of its keys. */
    static Tensor paddedMask(int batch, int keys) {
        int[] m = new int[batch * keys];
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < keys; j++) m[b * keys + j] = j < Math.max(1, keys * 3 / 4) ? 1 : 0;
        return Tensor.ofInts(m, batch, keys);
    }

    @TearDown
    public void tearDown() {
        for (Tensor t : new Tensor[] {q, k, v, keyMask, gradOut}) if (t != null) t.close();
    }

    private Tensor attend() {
        return impl.equals("fused") ? F.attention(q, k, v, keyMask) : ComposedAttention.apply(q, k, v, keyMask);
    }

    @Benchmark
    public long forward() {
        try (Scope s = Scope.open();
                GradMode off = GradMode.off()) {
            return attend().address();
        }
    }

    @Benchmark
    public long forwardBackward() {
        try (Scope s = Scope.open()) {
            Tensor out = attend();
            Autograd.backward(out, gradOut);
            long a = q.grad().address() ^ k.grad().address() ^ v.grad().address();
            q.zeroGrad();
            k.zeroGrad();
            v.zeroGrad();
            return a;
        }
    }
}
