package io.weakpair.backend.checks;

import static io.weakpair.testing.Misuse.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.weakpair.backend.Backend;
import io.weakpair.backend.Backends;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Direct Backend calls with sizes the kernel would read or write past: each family's checks
 * turn them into an exception naming the call (before, the CPU backend passed them straight
 * to the kernel: an out-of-bounds access, a crashed JVM at best). The CUDA backend runs the
 * same checks (SharedChecksTest runs misuse on both backends; CudaKernelsTest on the device).
 */
@ExtendWith(ScopePerTest.class)
class KernelChecksTest {
    private final Backend cpu = Backends.cpu();

    private static Tensor f32(int... shape) {
        return Tensor.zeros(DType.F32, shape);
    }

    @Test
    void layerNormParametersMustMatchTheRowLength() {
        Tensor x = f32(3, 4);
        rejects(() -> cpu.layerNormForward(x, f32(5), null, 1e-5, f32(3, 4), f32(3), f32(3)), "layerNormForward", "4");
        rejects(() -> cpu.layerNormForward(x, null, null, 1e-5, f32(3, 4), f32(2), f32(3)), "layerNormForward", "3");
        rejects(
                () -> cpu.layerNormBackward(x, null, f32(3), f32(3), f32(3, 4), f32(3, 3), null, null),
                "layerNormBackward");
        rejects(
                () -> cpu.layerNormForward(f32(), null, null, 1e-5, f32(), f32(1), f32(1)),
                "layerNormForward",
                "no last axis");
    }

    @Test
    void outputsMustHoldWhatTheKernelWrites() {
        rejects(() -> cpu.softmaxForward(f32(2, 5), f32(2, 4), false), "softmaxForward");
        rejects(() -> cpu.l2NormalizeForward(f32(2, 5), f32(2, 5), f32(1), 1e-12), "l2NormalizeForward", "2");
        rejects(
                () -> cpu.crossEntropyForward(f32(4, 3), Tensor.zeros(DType.I32, 3), -1, f32(4), f32(4)),
                "crossEntropyForward",
                "I32");
        rejects(() -> cpu.embeddingForward(f32(10, 4), Tensor.zeros(DType.I32, 3), f32(3, 3)), "embeddingForward");
        rejects(() -> cpu.dropoutForward(f32(8), f32(8), f32(7), 0.1, 1), "dropoutForward");
        rejects(
                () -> cpu.attentionForward(
                        f32(1, 2, 3, 4), f32(1, 2, 5, 4), f32(1, 2, 5, 4), null, 0.5, f32(1, 2, 3, 3), f32(1, 2, 3)),
                "attentionForward");
        rejects(() -> cpu.adamw(f32(6), f32(6), f32(5), f32(6), 1e-3, 0.9, 0.999, 1e-8, 0, 1), "adamw");
        rejects(() -> cpu.reduceSum(f32(2, 3), 2, 3, 1, f32(3), 1), "reduceSum");
    }

    @Test
    void gemmOperandsMustShareOneFloatingDtypeAndFitTheirLeadingDimensions() {
        rejects(
                () -> cpu.gemm(
                        false,
                        false,
                        1,
                        2,
                        2,
                        2,
                        1,
                        f32(2, 2),
                        2,
                        0,
                        Tensor.zeros(DType.F64, 2, 2),
                        2,
                        0,
                        0,
                        f32(2, 2),
                        2,
                        0),
                "gemm",
                "dtype");
        rejects(
                () -> cpu.gemm(false, false, 1, 2, 3, 2, 1, f32(2, 2), 2, 0, f32(2, 3), 2, 0, 0, f32(2, 3), 3, 0),
                "gemm",
                "ldb=2");
    }

    @Test
    void closedAndStridedTensorsNeverReachAKernel() {
        Tensor closed = f32(2, 4);
        closed.close();
        rejects(() -> cpu.l2NormalizeForward(closed, f32(2, 4), f32(2), 1e-12), "l2NormalizeForward");
        Tensor x = f32(2, 4);
        Tensor transposed = x.view(new int[] {4, 2}, new long[] {1, 4}, 0);
        rejects(() -> cpu.softmaxForward(transposed, f32(4, 2), false), "softmaxForward", "not contiguous");
    }

    @Test
    void wellFormedCallsPassTheChecks() {
        Tensor x = Tensor.of(new float[] {3, 4, 0, 0}, 2, 2), y = f32(2, 2), norms = f32(2);
        cpu.l2NormalizeForward(x, y, norms, 1e-12);
        float[] out = new float[4];
        cpu.download(y, out);
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 0}, out, 1e-6f);
    }
}
