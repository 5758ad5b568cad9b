package io.weakpair.backend.checks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.backend.Backend;
import io.weakpair.backend.Backends;
import io.weakpair.backend.BinaryOp;
import io.weakpair.backend.MiningMode;
import io.weakpair.backend.UnaryOp;
import io.weakpair.backend.cuda.CudaTestSupport;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One check layer for both backends: the same direct misuse of a {@link Backend} method is an
 * IllegalArgumentException naming the op and the bad tensor on the CPU and on the CUDA device
 * (cuda:0, or the CPU emulator of the kernels in an emulator build; the CPU half runs
 * everywhere), with the same message but for the device's name. Many of these were checked on
 * one backend only before the family checks were merged (the CPU's BackendChecks, the CUDA
 * backend's inline checks).
 */
@ExtendWith(ScopePerTest.class)
class SharedChecksTest {
    /** A backend call on tensors of the given device. */
    @FunctionalInterface
    private interface Call {
        void on(Backend be, Device d);
    }

    private static Tensor t(Device d, DType dt, int... shape) {
        return Tensor.zeros(dt, d, shape);
    }

    private static Tensor f32(Device d, int... shape) {
        return t(d, DType.F32, shape);
    }

    /** Refused with every fragment in the message on every backend, and with one message on all of them. */
    private static void rejectedOnBoth(Call call, String... fragments) {
        List<Device> devices = new ArrayList<>(List.of(Device.CPU));
        Device gpu = CudaTestSupport.deviceIfAny();
        if (gpu != null) devices.add(gpu);
        else
            System.out.println(
                    "SharedChecksTest: no CUDA device, the CPU half only: " + Backends.cudaUnavailableReason());
        List<String> messages = new ArrayList<>();
        for (Device d : devices) {
            Backend be = Backends.get(d);
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> call.on(be, d),
                    () -> d + ": no IllegalArgumentException (expected one naming " + String.join(", ", fragments)
                            + ")");
            String m = String.valueOf(e.getMessage());
            for (String f : fragments) assertTrue(m.contains(f), d + ": message '" + m + "' lacks '" + f + "'");
            messages.add(m.replace("@" + d, "@<device>"));
        }
        for (String m : messages) assertEquals(messages.get(0), m, "the backends' messages differ");
    }

    // ------------------------------------------------------------------ the method families (new checks classes)

    @Test
    void similarityChecks() {
        rejectedOnBoth(
                (be, d) -> be.similarityForward(
                        f32(d, 6, 4),
                        f32(d, 5, 3),
                        0.07,
                        f32(d, 6, 4),
                        f32(d, 5, 3),
                        f32(d, 6),
                        f32(d, 5),
                        f32(d, 6, 5)),
                "similarityForward",
                "feature widths differ",
                "[6, 4]",
                "[5, 3]");
        rejectedOnBoth(
                (be, d) -> be.similarityForward(
                        f32(d, 6, 4),
                        t(d, DType.F64, 5, 4),
                        0.07,
                        f32(d, 6, 4),
                        f32(d, 5, 4),
                        f32(d, 6),
                        f32(d, 5),
                        f32(d, 6, 5)),
                "similarityForward",
                "feature dtypes differ",
                "F64[5, 4]");
        rejectedOnBoth(
                (be, d) -> be.similarityForward(
                        f32(d, 6, 4),
                        f32(d, 5, 4),
                        0.07,
                        f32(d, 6, 4),
                        f32(d, 5, 4),
                        f32(d, 6),
                        f32(d, 5),
                        f32(d, 6, 4)),
                "similarityForward",
                "logits",
                "[6, 4]",
                "must hold 30");
        rejectedOnBoth(
                (be, d) -> be.similarityForward(
                        f32(d, 6, 4), f32(d, 5, 4), 0.07, null, f32(d, 5, 4), f32(d, 6), f32(d, 5), f32(d, 6, 5)),
                "similarityForward",
                "unitRows is null");
        rejectedOnBoth(
                (be, d) -> be.similarityBackward(
                        f32(d, 6, 4),
                        f32(d, 5, 4),
                        f32(d, 6),
                        f32(d, 5),
                        0,
                        f32(d, 6, 5),
                        f32(d, 6, 5),
                        null,
                        null,
                        null),
                "similarityBackward",
                "tau must be > 0");
        rejectedOnBoth(
                (be, d) -> be.similarityBackward(
                        f32(d, 6, 4),
                        f32(d, 5, 4),
                        f32(d, 6),
                        f32(d, 5),
                        0.07,
                        f32(d, 6, 5),
                        f32(d, 6, 5),
                        f32(d, 6, 5),
                        null,
                        null),
                "similarityBackward",
                "[6, 5]",
                "does not match",
                "[6, 4]");
    }

    @Test
    void uncertaintyChecks() {
        rejectedOnBoth(
                (be, d) -> be.uncertaintyConfidence(
                        f32(d, 4, 5), t(d, DType.I64, 3), t(d, DType.I64, 5), f32(d, 4, 5), f32(d, 4, 5)),
                "uncertaintyConfidence",
                "labels",
                "I64[3]",
                "must be 4 I64 values");
        rejectedOnBoth(
                (be, d) -> be.uncertaintyConfidence(f32(d, 4, 5), null, null, f32(d, 4, 4), null),
                "uncertaintyConfidence",
                "[4, 4]",
                "does not match",
                "[4, 5]");
        rejectedOnBoth(
                (be, d) -> be.uncertaintyConfidence(t(d, DType.I32, 4, 4), null, null, null, null),
                "uncertaintyConfidence",
                "I32[4, 4]",
                "must be F32 or F64");
        rejectedOnBoth(
                (be, d) -> be.uncertaintyConfidence(f32(d, 20), null, null, null, null),
                "uncertaintyConfidence",
                "logits F32[20]",
                "must have rank 2");
    }

    @Test
    void contrastiveChecks() {
        rejectedOnBoth(
                (be, d) -> be.contrastiveLogits(f32(d, 4, 4), null, null, 0, null, null, null, null),
                "contrastiveLogits",
                "losses is null");
        rejectedOnBoth(
                (be, d) -> be.contrastiveLogits(f32(d, 4, 4), null, null, 0, null, null, f32(d, 2), null),
                "contrastiveLogits",
                "losses F32[2]",
                "must hold 3");
        rejectedOnBoth(
                (be, d) -> be.contrastiveLogits(f32(d, 4, 4), null, null, 0, null, null, f32(d, 3), f32(d, 4, 3)),
                "contrastiveLogits",
                "[4, 3]",
                "does not match",
                "[4, 4]");
        rejectedOnBoth(
                (be, d) -> be.contrastiveFused(
                        f32(d, 6, 4),
                        t(d, DType.F64, 5, 4),
                        0.07,
                        null,
                        null,
                        0,
                        null,
                        null,
                        false,
                        0,
                        f32(d, 3),
                        null,
                        null,
                        null),
                "contrastiveFused",
                "feature dtypes differ",
                "F64[5, 4]");
        rejectedOnBoth(
                (be, d) -> be.contrastiveFused(
                        f32(d, 6, 4),
                        f32(d, 5, 4),
                        0.07,
                        null,
                        null,
                        0,
                        f32(d, 6, 6),
                        null,
                        false,
                        0,
                        f32(d, 3),
                        null,
                        null,
                        null),
                "contrastiveFused",
                "confI2t",
                "[6, 6]",
                "must hold 30");
        for (boolean keepLogits : new boolean[] {true, false}) {
            rejectedOnBoth(
                    (be, d) -> be.contrastiveFused(
                            f32(d, 6, 4),
                            f32(d, 5, 4),
                            0,
                            null,
                            null,
                            0,
                            null,
                            null,
                            keepLogits,
                            0,
                            f32(d, 3),
                            null,
                            null,
                            null),
                    "contrastiveFused",
                    "tau must be > 0");
            rejectedOnBoth(
                    (be, d) -> be.contrastiveFused(
                            f32(d, 6, 4),
                            f32(d, 5, 4),
                            0.07,
                            null,
                            null,
                            0,
                            null,
                            null,
                            keepLogits,
                            -1,
                            f32(d, 3),
                            null,
                            null,
                            null),
                    "contrastiveFused",
                    "blockRows must be >= 0");
            rejectedOnBoth(
                    (be, d) -> be.contrastiveFused(
                            f32(d, 6, 4),
                            f32(d, 5, 4),
                            0.07,
                            t(d, DType.I64, 5),
                            null,
                            0,
                            null,
                            null,
                            keepLogits,
                            0,
                            f32(d, 3),
                            null,
                            null,
                            null),
                    "contrastiveFused",
                    "I64[5]",
                    "must be 6 I64");
        }
    }

    @Test
    void miningChecks() {
        rejectedOnBoth(
                (be, d) -> be.mineHardNegatives(
                        f32(d, 4, 5), t(d, DType.I64, 4), MiningMode.TOPK, 0, t(d, DType.I32, 4), t(d, DType.I32, 4)),
                "mineHardNegatives",
                "logits F32[4, 5]",
                "must be square");
        rejectedOnBoth(
                (be, d) -> be.mineWeakPositives(f32(d, 4, 4), null, MiningMode.TOPK, 0, t(d, DType.I32, 4)),
                "mineWeakPositives",
                "mining needs identity labels");
        rejectedOnBoth(
                (be, d) ->
                        be.mineWeakPositives(f32(d, 4, 4), t(d, DType.I32, 4), MiningMode.TOPK, 0, t(d, DType.I32, 4)),
                "mineWeakPositives",
                "I32[4]",
                "must be 4 I64 values");
        rejectedOnBoth(
                (be, d) -> be.mineWeakPositives(
                        t(d, DType.I32, 4, 4), t(d, DType.I64, 4), MiningMode.TOPK, 0, t(d, DType.I32, 4)),
                "mineWeakPositives",
                "I32[4, 4]",
                "must be F32 or F64");
        rejectedOnBoth(
                (be, d) -> be.mineHardNegatives(
                        f32(d, 4, 4), t(d, DType.I64, 4), MiningMode.SAMPLE, 0, t(d, DType.I64, 4), t(d, DType.I32, 4)),
                "mineHardNegatives",
                "output I64[4]",
                "must hold 4 I32");
        rejectedOnBoth(
                (be, d) -> be.mineHardNegatives(
                        f32(d, 4, 4), t(d, DType.I64, 4), MiningMode.SAMPLE, 0, t(d, DType.I32, 4), null),
                "mineHardNegatives",
                "hardNegImage is null");
        rejectedOnBoth(
                (be, d) -> be.mineWeakPositives(f32(d, 4, 4), t(d, DType.I64, 4), null, 0, t(d, DType.I32, 4)),
                "mineWeakPositives",
                "mining mode is null");
    }

    // ------------------------------------------------------------------ checks the CUDA backend lacked before the
    // merge

    @Test
    void elementwiseAndGemmChecks() {
        rejectedOnBoth(
                (be, d) -> be.binary(BinaryOp.DIV, t(d, DType.I32, 2, 3), t(d, DType.I32, 2, 3), t(d, DType.I32, 2, 3)),
                "div",
                "integer division is not supported",
                "I32[2, 3]");
        rejectedOnBoth(
                (be, d) -> be.binary(BinaryOp.ADD, f32(d, 2, 3), f32(d, 3), f32(d, 2, 3)),
                "add",
                "F32[3]",
                "must be views broadcast to the output's shape");
        rejectedOnBoth(
                (be, d) -> be.unary(UnaryOp.EXP, t(d, DType.I32, 4), t(d, DType.I32, 4), 1, 0),
                "unary",
                "I32[4]",
                "must be F32 or F64");
        rejectedOnBoth(
                (be, d) -> be.unaryBackward(UnaryOp.LOG, null, f32(d, 4), f32(d, 4), f32(d, 4), 0),
                "unaryBackward",
                "needed by LOG");
        rejectedOnBoth((be, d) -> be.sumSquares(t(d, DType.I64, 4)), "sumSquares", "I64[4]", "must be F32 or F64");
        rejectedOnBoth((be, d) -> be.fill(null, 0), "fill", "destination is null");
        rejectedOnBoth((be, d) -> be.reduceSum(f32(d, 2, 3), 2, 3, 1, null, 1), "reduceSum", "out is null");
        // A [2, 2] A read as 2 rows of 3 with lda 3: the kernel would read past its storage.
        rejectedOnBoth(
                (be, d) -> be.gemm(
                        false, false, 1, 2, 2, 3, 1, f32(d, 2, 2), 3, 0, f32(d, 3, 2), 2, 0, 0, f32(d, 2, 2), 2, 0),
                "gemm",
                "operand A F32[2, 2]",
                "too small for 1 matrices of 2x3");
        rejectedOnBoth(
                (be, d) -> be.gemm(
                        false, false, 1, 2, 2, 2, 1, f32(d, 2, 2), 2, -4, f32(d, 2, 2), 2, 0, 0, f32(d, 2, 2), 2, 0),
                "gemm",
                "negative size or stride");
    }

    @Test
    void rowwiseAndNnChecks() {
        rejectedOnBoth(
                (be, d) -> be.layerNormForward(f32(d, 3, 0), null, null, 1e-5, f32(d, 3, 0), f32(d, 3), f32(d, 3)),
                "layerNormForward",
                "F32[3, 0]",
                "empty last axis");
        rejectedOnBoth(
                (be, d) -> be.l2NormalizeForward(f32(d, 3, 0), f32(d, 3, 0), f32(d, 3), 1e-12),
                "l2NormalizeForward",
                "F32[3, 0]",
                "empty last axis");
        rejectedOnBoth(
                (be, d) -> be.crossEntropyForward(f32(d, 3, 0), t(d, DType.I32, 3), -1, f32(d, 3), f32(d, 3)),
                "crossEntropyForward",
                "F32[3, 0]",
                "empty last axis");
        rejectedOnBoth((be, d) -> be.softmaxForward(f32(d), f32(d), false), "softmaxForward", "F32[]", "no last axis");
        rejectedOnBoth(
                (be, d) -> be.softmaxBackward(f32(d, 2, 4), f32(d, 2, 4), null, true),
                "logSoftmaxBackward",
                "gx is null");
        rejectedOnBoth(
                (be, d) -> be.embeddingForward(t(d, DType.I32, 10, 4), t(d, DType.I32, 3), t(d, DType.I32, 3, 4)),
                "embeddingForward",
                "I32[10, 4]",
                "must be F32 or F64");
        rejectedOnBoth(
                (be, d) -> be.dropoutForward(f32(d, 8), f32(d, 8), null, 1.5, 1),
                "dropoutForward",
                "p must be in [0, 1]");
        rejectedOnBoth(
                (be, d) -> be.patchify(t(d, DType.I32, 1, 1, 4, 4), t(d, DType.I32, 1, 4, 4), 2),
                "patchify",
                "I32[1, 1, 4, 4]",
                "must be F32 or F64");
        rejectedOnBoth(
                (be, d) -> be.attentionBackward(
                        f32(d, 1, 2, 3, 4),
                        f32(d, 1, 2, 5, 4),
                        f32(d, 1, 2, 5, 4),
                        null,
                        0.5,
                        f32(d, 1, 2, 3, 4),
                        f32(d, 1, 2, 3),
                        f32(d, 1, 2, 3, 4),
                        null,
                        f32(d, 1, 2, 5, 4),
                        f32(d, 1, 2, 5, 4)),
                "attentionBackward",
                "gq is null");
        rejectedOnBoth(
                (be, d) -> be.adamw(f32(d, 6), f32(d, 6), null, f32(d, 6), 1e-3, 0.9, 0.999, 1e-8, 0, 1),
                "adamw",
                "m is null");
    }
}
