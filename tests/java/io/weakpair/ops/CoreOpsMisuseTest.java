package io.weakpair.ops;

import static io.weakpair.testing.Misuse.rejects;

import io.weakpair.autograd.Autograd;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Misuse of the core ops is an exception naming the op and the shapes, never a crash. */
@ExtendWith(ScopePerTest.class)
class CoreOpsMisuseTest {
    @Test
    void broadcastMismatch() {
        Tensor a = Tensor.zeros(DType.F32, 2, 3), b = Tensor.zeros(DType.F32, 4);
        rejects(() -> F.add(a, b), "add", "[2, 3]", "[4]");
        rejects(() -> F.mul(a, Tensor.zeros(DType.F32, 3, 3)), "mul", "[2, 3]", "[3, 3]");
    }

    @Test
    void dtypeMismatchAndIntegerInputs() {
        Tensor a = Tensor.zeros(DType.F32, 2, 3), b = Tensor.zeros(DType.F64, 2, 3);
        rejects(() -> F.add(a, b), "add", "F32", "F64");
        rejects(() -> F.tanh(Tensor.zeros(DType.I32, 3)), "tanh", "I32");
        rejects(() -> Tensor.zeros(DType.I32, 3).requiresGrad(true), "I32");
    }

    @Test
    void matmulAndLinearShapes() {
        rejects(
                () -> F.matmul(Tensor.zeros(DType.F32, 2, 3), Tensor.zeros(DType.F32, 4, 5)),
                "matmul",
                "[2, 3]",
                "[4, 5]");
        rejects(() -> F.matmul(Tensor.zeros(DType.F32, 3), Tensor.zeros(DType.F32, 3, 5)), "matmul", "rank");
        rejects(() -> F.matmul(Tensor.zeros(DType.F32, 2, 2, 3), Tensor.zeros(DType.F32, 3, 3, 5)), "matmul", "batch");
        rejects(() -> F.linear(Tensor.zeros(DType.F32, 4, 3), Tensor.zeros(DType.F32, 5, 2), null), "linear", "[4, 3]");
        rejects(
                () -> F.linear(
                        Tensor.zeros(DType.F32, 4, 3), Tensor.zeros(DType.F32, 5, 3), Tensor.zeros(DType.F32, 4)),
                "linear",
                "bias");
    }

    @Test
    void axesAndSlices() {
        Tensor x = Tensor.zeros(DType.F32, 2, 3);
        rejects(() -> F.sum(x, 2, false), "sum", "axis 2");
        rejects(() -> F.slice(x, 1, 2, 5), "slice", "[2, 5)");
        rejects(() -> F.permute(x, 0, 0), "permute");
        rejects(() -> F.concat(List.of(x, Tensor.zeros(DType.F32, 3, 3)), 1), "concat", "[2, 3]", "[3, 3]");
        rejects(() -> F.concat(List.of(), 0), "concat");
    }

    @Test
    void backwardMisuse() {
        Tensor x = Tensor.zeros(DType.F64, 2, 3).requiresGrad(true);
        rejects(() -> Autograd.backward(F.tanh(x)), "backward", "scalar");
        rejects(() -> Autograd.backward(F.sum(Tensor.zeros(DType.F64, 3))), "backward", "does not require");
    }
}
