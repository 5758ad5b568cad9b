package io.weakpair.ops;

import static io.weakpair.testing.Misuse.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weakpair.backend.Backend;
import io.weakpair.backend.Backends;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Misuse of the neural-network ops — wrong shapes and dtypes, out-of-range ids and targets,
 * closed tensors, bad hyper-parameters — is an exception whose message names the op (and the
 * offending shapes or values), never a JVM crash.
 */
@ExtendWith(ScopePerTest.class)
class NnOpsMisuseTest {
    private static Tensor closed(DType dtype, int... shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        t.close();
        return t;
    }

    @Test
    void layerNorm() {
        Tensor x = Tensor.zeros(DType.F32, 4, 6);
        Tensor g = Tensor.ones(DType.F32, io.weakpair.tensor.Device.CPU, 6);
        rejects(() -> F.layerNorm(x, Tensor.zeros(DType.F32, 5), g, 1e-5), "layerNorm", "gamma", "[6]", "[5]");
        rejects(() -> F.layerNorm(x, g, Tensor.zeros(DType.F32, 6, 1), 1e-5), "layerNorm", "beta", "[6]");
        rejects(() -> F.layerNorm(x, Tensor.zeros(DType.F64, 6), g, 1e-5), "layerNorm", "F32", "F64");
        rejects(() -> F.layerNorm(Tensor.zeros(DType.I32, 4, 6), null, null, 1e-5), "layerNorm", "I32");
        rejects(() -> F.layerNorm(x, g, g, 0), "layerNorm", "eps");
        rejects(() -> F.layerNorm(x, g, g, Double.NaN), "layerNorm", "eps");
        rejects(() -> F.layerNorm(Tensor.zeros(DType.F32), null, null, 1e-5), "layerNorm", "rank");
        rejects(() -> F.layerNorm(Tensor.empty(DType.F32, 3, 0), null, null, 1e-5), "layerNorm", "empty");
        rejects(() -> F.layerNorm(closed(DType.F32, 4, 6), g, g, 1e-5), "layerNorm", "closed");
        rejects(() -> F.layerNorm(x, closed(DType.F32, 6), g, 1e-5), "layerNorm", "closed");
    }

    @Test
    void crossEntropy() {
        Tensor logits = Tensor.zeros(DType.F32, 4, 5);
        Tensor ok = Tensor.ofInts(new int[] {0, 1, 2, 3}, 4);
        rejects(
                () -> F.crossEntropy(logits, Tensor.ofInts(new int[] {0, 5, 2, 3}, 4), -100),
                "crossEntropy",
                "target 5",
                "row 1",
                "[0, 5)");
        rejects(
                () -> F.crossEntropy(logits, Tensor.ofInts(new int[] {0, 1, 2, -1}, 4), -100),
                "crossEntropy",
                "target -1",
                "row 3");
        rejects(() -> F.crossEntropy(logits, Tensor.zeros(DType.F32, 4), -100), "crossEntropy", "targets", "I32");
        rejects(() -> F.crossEntropy(logits, Tensor.zeros(DType.I64, 4), -100), "crossEntropy", "I32", "I64");
        rejects(
                () -> F.crossEntropy(logits, Tensor.ofInts(new int[] {0, 1, 2}, 3), -100),
                "crossEntropy",
                "[4]",
                "[3]");
        rejects(() -> F.crossEntropy(Tensor.zeros(DType.I32, 4, 5), ok, -100), "crossEntropy", "I32");
        rejects(() -> F.crossEntropy(Tensor.empty(DType.F32, 4, 0), ok, -100), "crossEntropy", "no classes");
        rejects(() -> F.crossEntropy(closed(DType.F32, 4, 5), ok, -100), "crossEntropy", "closed");
        Tensor closedTargets = Tensor.ofInts(new int[] {0, 1, 2, 3}, 4);
        closedTargets.close();
        rejects(() -> F.crossEntropy(logits, closedTargets, -100), "crossEntropy", "closed");
    }

    @Test
    void softCrossEntropy() {
        Tensor logits = Tensor.zeros(DType.F32, 4, 5);
        rejects(
                () -> F.softCrossEntropy(logits, Tensor.zeros(DType.F32, 4, 6)),
                "softCrossEntropy",
                "[4, 5]",
                "[4, 6]");
        rejects(() -> F.softCrossEntropy(logits, Tensor.zeros(DType.F64, 4, 5)), "softCrossEntropy", "F32", "F64");
        rejects(
                () -> F.softCrossEntropy(Tensor.zeros(DType.I32, 4, 5), Tensor.zeros(DType.I32, 4, 5)),
                "softCrossEntropy",
                "I32");
        rejects(() -> F.softCrossEntropy(logits, closed(DType.F32, 4, 5)), "softCrossEntropy", "closed");
    }

    @Test
    void embedding() {
        Tensor table = Tensor.zeros(DType.F32, 10, 4);
        rejects(
                () -> F.embedding(table, Tensor.ofInts(new int[] {1, 2, 10, 3}, 2, 2)),
                "embedding",
                "id 10",
                "position 2",
                "[1, 0]",
                "[0, 10)");
        rejects(() -> F.embedding(table, Tensor.ofInts(new int[] {-3}, 1)), "embedding", "id -3", "position 0");
        rejects(() -> F.embedding(table, Tensor.zeros(DType.F32, 3)), "embedding", "ids", "I32");
        rejects(
                () -> F.embedding(Tensor.zeros(DType.F32, 10), Tensor.ofInts(new int[] {1}, 1)),
                "embedding",
                "table",
                "rank 2");
        rejects(() -> F.embedding(Tensor.zeros(DType.I32, 10, 4), Tensor.ofInts(new int[] {1}, 1)), "embedding", "I32");
        rejects(() -> F.embedding(closed(DType.F32, 10, 4), Tensor.ofInts(new int[] {1}, 1)), "embedding", "closed");
        rejects(() -> F.embedding(table, Tensor.ofInts(new int[1], 1, 1, 1, 1, 1, 1, 1, 1)), "embedding", "dimensions");
    }

    @Test
    void embeddingKernelWritesNothingOnABadId() {
        Backend cpu = Backends.cpu();
        Tensor table = Tensor.ones(DType.F32, io.weakpair.tensor.Device.CPU, 5, 3);
        Tensor out = Tensor.full(-7, DType.F32, io.weakpair.tensor.Device.CPU, 4, 3);
        long bad = cpu.embeddingForward(table, Tensor.ofInts(new int[] {0, 1, 2, 9}, 4), out);
        assertEquals(3, bad);
        for (float v : out.toFloatArray()) assertEquals(-7f, v);
    }

    @Test
    void l2Normalize() {
        rejects(() -> F.l2Normalize(Tensor.zeros(DType.F32, 3, 4), 0), "l2Normalize", "eps");
        rejects(() -> F.l2Normalize(Tensor.zeros(DType.F32, 3, 4), -1e-12), "l2Normalize", "eps");
        rejects(() -> F.l2Normalize(Tensor.zeros(DType.I32, 3, 4)), "l2Normalize", "I32");
        rejects(() -> F.l2Normalize(Tensor.zeros(DType.F32)), "l2Normalize", "rank");
        rejects(() -> F.l2Normalize(closed(DType.F32, 3, 4)), "l2Normalize", "closed");
    }

    @Test
    void biasGelu() {
        Tensor x = Tensor.zeros(DType.F32, 3, 4);
        rejects(() -> F.biasGelu(x, null), "biasGelu", "bias is null");
        rejects(() -> F.biasGelu(x, Tensor.zeros(DType.F32, 3)), "biasGelu", "bias", "[4]", "[3]");
        rejects(() -> F.biasGelu(x, Tensor.zeros(DType.F32, 1, 4)), "biasGelu", "bias", "[1, 4]");
        rejects(() -> F.biasGelu(x, Tensor.zeros(DType.F64, 4)), "biasGelu", "F32", "F64");
        rejects(() -> F.biasGelu(Tensor.zeros(DType.I32, 3, 4), Tensor.zeros(DType.I32, 4)), "biasGelu", "I32");
        rejects(() -> F.biasGelu(Tensor.zeros(DType.F32), Tensor.zeros(DType.F32, 1)), "biasGelu", "rank");
        rejects(() -> F.biasGelu(closed(DType.F32, 3, 4), Tensor.zeros(DType.F32, 4)), "biasGelu", "closed");
        rejects(() -> F.biasGelu(x, closed(DType.F32, 4)), "biasGelu", "closed");
    }

    @Test
    void dropout() {
        Tensor x = Tensor.zeros(DType.F32, 3, 4);
        rejects(() -> F.dropout(x, 1.5, 1, true), "dropout", "p must be in [0, 1]", "1.5");
        rejects(() -> F.dropout(x, -0.1, 1, true), "dropout", "p must be");
        rejects(() -> F.dropout(x, Double.NaN, 1, false), "dropout", "p must be");
        rejects(() -> F.dropout(Tensor.zeros(DType.I32, 3), 0.5, 1, true), "dropout", "I32");
        rejects(() -> F.dropout(closed(DType.F32, 3, 4), 0.5, 1, false), "dropout", "closed");
    }

    @Test
    void patchify() {
        rejects(() -> F.patchify(Tensor.zeros(DType.F32, 2, 3, 10, 8), 4), "patchify", "10x8", "multiples of 4");
        rejects(() -> F.patchify(Tensor.zeros(DType.F32, 2, 3, 8, 6), 4), "patchify", "8x6");
        rejects(() -> F.patchify(Tensor.zeros(DType.F32, 3, 8, 8), 4), "patchify", "rank 4", "[3, 8, 8]");
        rejects(() -> F.patchify(Tensor.zeros(DType.F32, 1, 3, 8, 8), 0), "patchify", "patch size");
        rejects(() -> F.patchify(Tensor.zeros(DType.I32, 1, 3, 8, 8), 4), "patchify", "I32");
        rejects(() -> F.patchify(closed(DType.F32, 1, 3, 8, 8), 4), "patchify", "closed");
    }

    @Test
    void nativeGuardsBecomeExceptionsNotCrashes() {
        // Callers that bypass the ops still get an exception from the kernels' own checks.
        Backend cpu = Backends.cpu();
        Tensor images = Tensor.zeros(DType.F32, 1, 1, 6, 6);
        rejects(() -> cpu.patchify(images, Tensor.zeros(DType.F32, 1, 4, 9), 4), "patchify", "6x6");
        Tensor x = Tensor.zeros(DType.F32, 8);
        rejects(() -> cpu.dropoutForward(x, Tensor.zeros(DType.F32, 8), null, 2.0, 1), "dropout", "p must be");
        rejects(
                () -> cpu.l2NormalizeForward(
                        x.viewAs(2, 4), Tensor.zeros(DType.F32, 2, 4), Tensor.zeros(DType.F32, 2), 0),
                "l2norm",
                "eps");
        Tensor ints = Tensor.zeros(DType.I32, 2, 4);
        rejects(
                () -> cpu.layerNormForward(
                        ints,
                        null,
                        null,
                        1e-5,
                        Tensor.zeros(DType.I32, 2, 4),
                        Tensor.zeros(DType.I32, 2),
                        Tensor.zeros(DType.I32, 2)),
                "layerNormForward",
                "F32 or F64");
        // The backend's checks (sizes, a missing argument) and the kernel's own (the dtype).
        Tensor x24 = x.viewAs(2, 4), b4 = Tensor.zeros(DType.F32, 4);
        rejects(
                () -> cpu.biasGelu(x24, Tensor.zeros(DType.F32, 3), Tensor.zeros(DType.F32, 2, 4)),
                "biasGelu",
                "must hold 4");
        rejects(() -> cpu.biasGelu(x24, b4, Tensor.zeros(DType.F32, 2, 3)), "biasGelu", "does not match");
        rejects(
                () -> cpu.biasGeluBackward(x24, b4, null, Tensor.zeros(DType.F32, 2, 4), null),
                "biasGeluBackward",
                "gy is null");
        rejects(
                () -> cpu.biasGeluBackward(x24, b4, x24, Tensor.zeros(DType.F32, 2, 4), Tensor.zeros(DType.F32, 5)),
                "biasGeluBackward",
                "must hold 4");
        rejects(
                () -> cpu.biasGelu(ints, Tensor.zeros(DType.I32, 4), Tensor.zeros(DType.I32, 2, 4)),
                "bias_gelu",
                "unsupported dtype");
        rejects(
                () -> cpu.embeddingBackward(
                        Tensor.ofInts(new int[] {0, 7}, 2),
                        Tensor.zeros(DType.F32, 2, 3),
                        Tensor.zeros(DType.F32, 5, 3)),
                "embedding",
                "id 7",
                "position 1");
    }

    @Test
    void wellFormedCallsStillWorkAfterMisuse() {
        // A failed call leaves no half-built state behind.
        Tensor logits = Tensor.zeros(DType.F32, 2, 3);
        rejects(() -> F.crossEntropy(logits, Tensor.ofInts(new int[] {0, 3}, 2), -1), "crossEntropy");
        assertEquals(
                Math.log(3),
                F.crossEntropy(logits, Tensor.ofInts(new int[] {0, 2}, 2), -1).item(),
                1e-6);
        assertArrayEquals(
                new int[] {2, 3}, F.layerNorm(logits, null, null, 1e-5).shape());
    }
}
