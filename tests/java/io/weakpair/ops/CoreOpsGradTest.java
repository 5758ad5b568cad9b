package io.weakpair.ops;

import static io.weakpair.testing.GradCheck.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.GradCheck;
import io.weakpair.testing.ScopePerTest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Gradient checks (float64, central differences) and F32-vs-F64 forwards of the core ops. */
@ExtendWith(ScopePerTest.class)
class CoreOpsGradTest {

    @Test
    void addBroadcastsBiasResidualAndScalar() {
        GradCheck.check("add[same]", in -> F.add(in[0], in[1]), param(1, 3, 5), param(2, 3, 5));
        GradCheck.check("add[bias]", in -> F.add(in[0], in[1]), param(3, 2, 3, 7), param(4, 7));
        GradCheck.check("add[scalar]", in -> F.add(in[0], in[1]), param(5, 4, 3), param(6));
        GradCheck.check("add[column]", in -> F.add(in[0], in[1]), param(7, 5, 1), param(8, 1, 6));
        GradCheck.checkF32("add[bias]", in -> F.add(in[0], in[1]), param(3, 2, 3, 7), param(4, 7));
    }

    @Test
    void subMulDivBroadcast() {
        GradCheck.check("sub[bias]", in -> F.sub(in[0], in[1]), param(11, 3, 5), param(12, 5));
        GradCheck.check("mul[bias]", in -> F.mul(in[0], in[1]), param(13, 2, 3, 5), param(14, 3, 1));
        GradCheck.check("mul[scalar]", in -> F.mul(in[0], in[1]), param(15, 4, 3), param(16));
        GradCheck.check("div[same]", in -> F.div(in[0], in[1]), param(17, 3, 5), param(18, 0.5, 2.0, 3, 5));
        GradCheck.check("div[bias]", in -> F.div(in[0], in[1]), param(19, 3, 5), param(20, 0.5, 2.0, 5));
        GradCheck.checkF32("div[bias]", in -> F.div(in[0], in[1]), param(19, 3, 5), param(20, 0.5, 2.0, 5));
    }

    @Test
    void pointwiseFunctions() {
        GradCheck.check("affine", in -> F.affine(in[0], -1.7, 0.3), param(21, 3, 7));
        GradCheck.check("exp", in -> F.exp(in[0]), param(22, 3, 7));
        GradCheck.check("log", in -> F.log(in[0]), param(23, 0.2, 3.0, 3, 7));
        GradCheck.check("tanh", in -> F.tanh(in[0]), param(24, 5, 9));
        GradCheck.check("gelu", in -> F.gelu(in[0]), param(25, 5, 9));
        GradCheck.check("sqrt", in -> F.sqrt(in[0]), param(26, 0.2, 3.0, 4, 3));
        GradCheck.check("square", in -> F.square(in[0]), param(27, 4, 3));
        GradCheck.checkF32("tanh", in -> F.tanh(in[0]), param(24, 5, 9));
        GradCheck.checkF32("gelu", in -> F.gelu(in[0]), param(25, 5, 9));
    }

    @Test
    void biasGeluGradients() {
        GradCheck.check("biasGelu[2d]", in -> F.biasGelu(in[0], in[1]), param(41, 5, 9), param(42, 9));
        GradCheck.check("biasGelu[3d]", in -> F.biasGelu(in[0], in[1]), param(43, 2, 3, 7), param(44, 7));
        GradCheck.check("biasGelu[one column]", in -> F.biasGelu(in[0], in[1]), param(45, 4, 1), param(46, 1));
        GradCheck.check("biasGelu[one row]", in -> F.biasGelu(in[0], in[1]), param(47, 1, 11), param(48, 11));
        // Far from 0 on both sides, where gelu' tends to 0 and 1.
        GradCheck.check("biasGelu[tails]", in -> F.biasGelu(in[0], in[1]), param(49, -6.0, 6.0, 6, 5), param(50, 5));
        // Only one input needs a gradient: the other is skipped (a constant bias, a constant input).
        GradCheck.check(
                "biasGelu[constant bias]",
                in -> F.biasGelu(in[0], in[1]),
                param(51, 3, 4),
                param(52, 4).requiresGrad(false));
        GradCheck.check(
                "biasGelu[constant input]",
                in -> F.biasGelu(in[0], in[1]),
                param(53, 3, 4).requiresGrad(false),
                param(54, 4));
        GradCheck.checkF32("biasGelu", in -> F.biasGelu(in[0], in[1]), param(43, 2, 3, 7), param(44, 7));
    }

    @Test
    void biasGeluIsAddThenGelu() {
        // The definition: the same values as the unfused add then GELU, and the same gradients.
        for (DType dtype : List.of(DType.F32, DType.F64)) {
            Tensor x = Tensor.randn(55, 2.0, dtype, Device.CPU, 64, 37).requiresGrad(true);
            Tensor b = Tensor.randn(56, 1.0, dtype, Device.CPU, 37).requiresGrad(true);
            Tensor xu = x.copy().requiresGrad(true), bu = b.copy().requiresGrad(true);
            Tensor fused = F.biasGelu(x, b), unfused = F.gelu(F.add(xu, bu));
            assertArrayEquals(unfused.toDoubleArray(), fused.toDoubleArray(), dtype + " forward");
            Tensor w = Tensor.randn(57, 1.0, dtype, Device.CPU, 64, 37);
            Autograd.backward(F.sum(F.mul(fused, w)));
            Autograd.backward(F.sum(F.mul(unfused, w)));
            double tol = dtype == DType.F32 ? 1e-5 : 1e-12;
            assertClose(xu.grad().toDoubleArray(), x.grad().toDoubleArray(), tol, dtype + " dx");
            assertClose(bu.grad().toDoubleArray(), b.grad().toDoubleArray(), tol, dtype + " dbias");
        }
    }

    private static void assertClose(double[] expected, double[] actual, double relTol, String what) {
        assertEquals(expected.length, actual.length, what);
        double diff = 0, ref = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            ref += expected[i] * expected[i];
        }
        assertTrue(Math.sqrt(diff) <= relTol * Math.sqrt(ref), what + ": relative error " + Math.sqrt(diff / ref));
    }

    @Test
    void reluBothBranches() {
        // Points away from the kink at 0 (finite differences step 1e-6): half negative, half positive.
        double[] v = new double[24];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(28);
        for (int i = 0; i < v.length; i++) v[i] = (i % 2 == 0 ? -1 : 1) * rng.nextDouble(0.01, 2.0);
        Tensor x = Tensor.of(v, 4, 6).requiresGrad(true);
        GradCheck.check("relu", in -> F.relu(in[0]), x);
        // The negative branch alone: gradient exactly 0, and the check sees it (a kernel passing
        // the gradient through everywhere would fail here).
        double[] neg = new double[12];
        for (int i = 0; i < neg.length; i++) neg[i] = -rng.nextDouble(0.01, 2.0);
        Tensor xn = Tensor.of(neg, 3, 4).requiresGrad(true);
        GradCheck.check("relu[negative]", in -> F.relu(in[0]), xn);
        Autograd.backward(F.sum(F.relu(xn)));
        for (double g : xn.grad().toDoubleArray()) assertEquals(0.0, g);
        GradCheck.checkF32("relu", in -> F.relu(in[0]), x);
    }

    @Test
    void reductions() {
        GradCheck.check("sum[all]", in -> F.sum(in[0]), param(31, 3, 5));
        GradCheck.check("mean[all]", in -> F.mean(in[0]), param(32, 3, 5));
        GradCheck.check("sum[axis0]", in -> F.sum(in[0], 0, false), param(33, 3, 5, 2));
        GradCheck.check("sum[axis1,keep]", in -> F.sum(in[0], 1, true), param(34, 3, 5, 2));
        GradCheck.check("mean[last]", in -> F.mean(in[0], -1, false), param(35, 3, 5, 7));
        GradCheck.checkF32("mean[last]", in -> F.mean(in[0], -1, false), param(35, 3, 5, 7));
    }

    @Test
    void matmulPlainBatchedAndTransposed() {
        GradCheck.check("matmul[2d]", in -> F.matmul(in[0], in[1]), param(41, 3, 5), param(42, 5, 4));
        GradCheck.check("matmul[batched]", in -> F.matmul(in[0], in[1]), param(43, 2, 3, 5), param(44, 2, 5, 7));
        GradCheck.check("matmul[nd@2d]", in -> F.matmul(in[0], in[1]), param(45, 2, 3, 5), param(46, 5, 3));
        GradCheck.check("matmul[2d@nd]", in -> F.matmul(in[0], in[1]), param(47, 3, 5), param(48, 2, 5, 3));
        GradCheck.check(
                "matmul[transposed view]",
                in -> F.matmul(in[0], F.transpose(in[1], 0, 1)),
                param(49, 3, 5),
                param(50, 4, 5));
        GradCheck.check(
                "matmul[4d]",
                in -> F.matmul(in[0], F.transpose(in[1], -1, -2)),
                param(51, 2, 3, 4, 5),
                param(52, 2, 3, 6, 5));
        GradCheck.checkF32("matmul[batched]", in -> F.matmul(in[0], in[1]), param(43, 2, 3, 5), param(44, 2, 5, 7));
    }

    @Test
    void linearWithAndWithoutBias() {
        GradCheck.check(
                "linear", in -> F.linear(in[0], in[1], in[2]), param(61, 2, 3, 5), param(62, 4, 5), param(63, 4));
        GradCheck.check("linear[no bias]", in -> F.linear(in[0], in[1], null), param(64, 7, 5), param(65, 3, 5));
        GradCheck.checkF32(
                "linear", in -> F.linear(in[0], in[1], in[2]), param(61, 2, 3, 5), param(62, 4, 5), param(63, 4));
    }

    @Test
    void shapeOps() {
        GradCheck.check("reshape", in -> F.mul(F.reshape(in[0], 5, -1), in[1]), param(71, 3, 5), param(72, 5, 3));
        GradCheck.check("permute", in -> F.contiguous(F.permute(in[0], 2, 0, 1)), param(73, 2, 3, 5));
        GradCheck.check("transpose", in -> F.mul(F.transpose(in[0], 0, 1), in[1]), param(74, 3, 5), param(75, 5, 3));
        GradCheck.check("reshape[non-contiguous]", in -> F.reshape(F.transpose(in[0], 0, 1), -1), param(76, 3, 5));
        GradCheck.check("slice", in -> F.slice(in[0], 1, 1, 4), param(77, 3, 5, 2));
        GradCheck.check(
                "concat",
                in -> F.concat(List.of(in[0], in[1], in[2]), 1),
                param(78, 2, 3),
                param(79, 2, 1),
                param(80, 2, 4));
        GradCheck.check("concat[axis0,reused]", in -> F.concat(List.of(in[0], in[0]), 0), param(81, 2, 3));
    }

    @Test
    void sharedInputsAccumulate() {
        // x used three times: the gradients must add up.
        GradCheck.check("reuse", in -> F.add(F.mul(in[0], in[0]), F.tanh(in[0])), param(91, 4, 3));
    }
}
