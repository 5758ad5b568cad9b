package io.weakpair.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weakpair.backend.Backend;
import io.weakpair.backend.BinaryOp;
import io.weakpair.backend.UnaryOp;
import io.weakpair.ops.F;
import io.weakpair.testing.Misuse;
import io.weakpair.testing.ScopePerTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * BF16 is a storage dtype: every op and kernel that computes refuses it with an
 * IllegalArgumentException naming the op and BF16 (never a native error or a crash), while the
 * storage operations (views, reshape, concat, copies, conversions) work.
 */
@ExtendWith(ScopePerTest.class)
class Bf16MisuseTest {
    private static Tensor bf(int... shape) {
        return Tensor.uniform(3, -1, 1, DType.BF16, Device.CPU, shape);
    }

    private static void refused(org.junit.jupiter.api.function.Executable call, String op) {
        RuntimeException e = assertThrows(IllegalArgumentException.class, call);
        Misuse.rejects(
                () -> {
                    throw e;
                },
                op,
                "BF16");
    }

    @Test
    void opsOfFRefuseBf16NamingTheOp() {
        Tensor a = bf(4, 4), b = bf(4, 4);
        Tensor f = Tensor.uniform(4, -1, 1, DType.F32, Device.CPU, 4, 4);
        refused(() -> F.add(a, b), "add");
        refused(() -> F.mul(a, f), "mul");
        refused(() -> F.div(a, b), "div");
        refused(() -> F.exp(a), "exp");
        refused(() -> F.gelu(a), "gelu");
        refused(() -> F.sum(a), "sum");
        refused(() -> F.matmul(a, b), "matmul");
        refused(() -> F.linear(a, b, null), "linear");
        refused(() -> F.softmax(a), "softmax");
        refused(() -> F.layerNorm(a, null, null, 1e-5), "layerNorm");
        refused(() -> F.l2Normalize(a), "l2Normalize");
        refused(() -> F.dropout(a, 0.1, 1, true), "dropout");
        refused(() -> F.attention(bf(1, 1, 2, 4), bf(1, 1, 2, 4), bf(1, 1, 2, 4), null), "attention");
        refused(() -> F.crossEntropy(a, Tensor.ofInts(new int[] {0, 1, 2, 3}, 4), -100), "crossEntropy");
        refused(() -> F.embedding(a, Tensor.ofInts(new int[] {0, 1}, 2)), "embedding");
    }

    @Test
    void kernelsCalledDirectlyRefuseBf16() {
        Backend be = Tensor.zeros(DType.F32, 1).backend();
        Tensor a = bf(2, 2), b = bf(2, 2), c = bf(2, 2);
        refused(() -> be.binary(BinaryOp.ADD, a, b, c), "add");
        refused(() -> be.unary(UnaryOp.EXP, a, b, 0, 0), "unary");
        refused(() -> be.gemm(false, false, 1, 2, 2, 2, 1, a, 2, 0, b, 2, 0, 0, c, 2, 0), "gemm");
        refused(() -> be.softmaxForward(a, b, false), "softmax");
        refused(() -> be.sumSquares(a), "sumSquares");
        refused(() -> be.reduceSum(a, 1, 2, 2, Tensor.empty(DType.BF16, 2), 1), "reduceSum");
        refused(() -> be.adamw(a, b, c, bf(2, 2), 1e-3, 0.9, 0.999, 1e-8, 0, 1), "adamw");
    }

    @Test
    void bf16CannotRequireGradients() {
        Misuse.rejects(() -> bf(3).requiresGrad(true), "BF16", "gradients");
    }

    @Test
    void storageOperationsWork() {
        Tensor a = bf(2, 3);
        float[] v = a.toFloatArray();
        Tensor r = F.reshape(a, 3, 2);
        assertArrayEquals(v, r.toFloatArray());
        Tensor t = F.transpose(a, 0, 1);
        assertEquals(DType.BF16, t.dtype());
        float[] tv = t.toFloatArray();
        for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++) assertEquals(v[j * 3 + i], tv[i * 2 + j], 0);
        Tensor cat = F.concat(List.of(a, a), 0);
        assertArrayEquals(new int[] {4, 3}, cat.shape());
        float[] cv = cat.toFloatArray();
        for (int i = 0; i < 6; i++) assertEquals(v[i], cv[6 + i], 0);
        assertEquals(false, a.backend().hasNonFinite(a));
        Tensor inf = Tensor.full(Double.POSITIVE_INFINITY, DType.BF16, Device.CPU, 2);
        assertEquals(true, inf.backend().hasNonFinite(inf));
    }
}
