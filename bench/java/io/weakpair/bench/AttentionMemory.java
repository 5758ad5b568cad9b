package io.weakpair.bench;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.ops.ComposedAttention;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.MemoryStats;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;

/**
 * Peak extra tensor memory of fused against composed attention, forward only and forward +
 * backward, for the shapes of {@link AttentionBenchmark} (and any given as arguments, e.g.
 * {@code 8x4x197x197x64}). "Extra" is the peak of live tensor storage above what was live
 * before the call (inputs excluded; gradients of q, k, v included). MemoryStats counts tensor
 * storage only: the fused kernel's per-thread scratch (two [Dh, Lk] packs and a few 64x64
 * tiles) is native and not in these numbers.
 *
 * <pre>java -cp target/test-classes:target/classes:$(cat target/classpath.txt) io.weakpair.bench.AttentionMemory</pre>
 */
public final class AttentionMemory {
    private AttentionMemory() {}

    public static void main(String[] args) {
        String[] shapes = args.length > 0 ? args : new String[] {"8x4x197x197x64", "32x12x50x50x64", "32x12x50x193x64"};
        System.out.printf(
                "%-18s %-8s %16s %16s %8s%n", "shape BxHxLqxLkxDh", "pass", "fused bytes", "composed bytes", "ratio");
        for (String shape : shapes) {
            for (boolean backward : new boolean[] {false, true}) {
                long fused = peakExtra(shape, true, backward);
                long composed = peakExtra(shape, false, backward);
                System.out.printf(
                        "%-18s %-8s %16d %16d %7.1fx%n",
                        shape, backward ? "fwd+bwd" : "forward", fused, composed, (double) composed / fused);
            }
        }
    }

    static long peakExtra(String shape, boolean fused, boolean backward) {
        int[] s = AttentionBenchmark.parse(shape);
        try (Scope outer = Scope.open()) {
            Tensor q = Tensor.randn(1, 1.0, DType.F32, Device.CPU, s[0], s[1], s[2], s[4])
                    .requiresGrad(backward);
            Tensor k = Tensor.randn(2, 1.0, DType.F32, Device.CPU, s[0], s[1], s[3], s[4])
                    .requiresGrad(backward);
            Tensor v = Tensor.randn(3, 1.0, DType.F32, Device.CPU, s[0], s[1], s[3], s[4])
                    .requiresGrad(backward);
            Tensor gradOut = Tensor.randn(4, 1.0, DType.F32, Device.CPU, s[0], s[1], s[2], s[4]);
            long before = MemoryStats.liveBytes(Device.Kind.CPU);
            MemoryStats.resetPeak(Device.Kind.CPU);
            try (Scope step = Scope.open();
                    GradMode mode = backward ? GradMode.on() : GradMode.off()) {
                Tensor out = fused ? F.attention(q, k, v, null) : ComposedAttention.apply(q, k, v, null);
                if (backward) Autograd.backward(out, gradOut);
            }
            long peak = MemoryStats.peakBytes(Device.Kind.CPU) - before;
            q.zeroGrad();
            k.zeroGrad();
            v.zeroGrad();
            return peak;
        }
    }
}
