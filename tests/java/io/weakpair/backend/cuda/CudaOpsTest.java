package io.weakpair.backend.cuda;

import static io.weakpair.backend.cuda.CudaTestSupport.assertClose;
import static io.weakpair.testing.GradCheck.param;

import io.weakpair.autograd.Autograd;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.GradCheck;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The differentiable ops on the CUDA backend: outputs and gradients against the CPU backend
 * (F64 and F32), and float64 gradient checks (finite differences) run on the device itself.
 */
class CudaOpsTest {
    private Device gpu;
    private Scope scope;

    @BeforeEach
    void open() {
        gpu = CudaTestSupport.device();
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        if (scope != null) scope.close();
    }

    /** f on CPU copies and on device copies of the inputs: outputs and all input gradients must agree. */
    private void sameOnBothDevices(String op, Function<Tensor[], Tensor> f, DType dtype, Tensor... inputs) {
        double tol = CudaTestSupport.tolerance(dtype);
        Tensor[] onCpu = new Tensor[inputs.length], onGpu = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            Tensor cast = inputs[i].dtype().isFloating() ? inputs[i].toDType(dtype) : inputs[i].copy();
            onCpu[i] = cast.requiresGrad(inputs[i].requiresGrad());
            onGpu[i] = cast.to(gpu).requiresGrad(inputs[i].requiresGrad());
        }
        SplittableRandom rng = new SplittableRandom(99);
        double[] w = null;
        // One device after the other, each backward over its own graph.
        Tensor outC = f.apply(onCpu);
        w = new double[(int) outC.numel()];
        for (int i = 0; i < w.length; i++) w[i] = rng.nextDouble(-1, 1);
        Autograd.backward(F.sum(F.mul(outC, Tensor.fromDoubles(w, dtype, Device.CPU, outC.shape()))));
        Tensor outG = f.apply(onGpu);
        Autograd.backward(F.sum(F.mul(outG, Tensor.fromDoubles(w, dtype, gpu, outG.shape()))));
        assertClose(op + " forward " + dtype, outG, outC, tol);
        for (int i = 0; i < inputs.length; i++)
            if (inputs[i].requiresGrad())
                assertClose(op + " grad[" + i + "] " + dtype, onGpu[i].grad(), onCpu[i].grad(), tol * 10);
    }

    private void both(String op, Function<Tensor[], Tensor> f, Tensor... inputs) {
        sameOnBothDevices(op, f, DType.F64, inputs);
        sameOnBothDevices(op, f, DType.F32, inputs);
    }

    @Test
    void arithmeticAndPointwise() {
        both("add[bias]", in -> F.add(in[0], in[1]), param(1, 2, 3, 7), param(2, 7));
        both("mul[column]", in -> F.mul(in[0], in[1]), param(3, 5, 1), param(4, 1, 6));
        both("div", in -> F.div(in[0], in[1]), param(5, 3, 5), param(6, 0.5, 2.0, 3, 5));
        both("sub[scalar]", in -> F.sub(in[0], in[1]), param(7, 4, 3), param(8));
        both("affine", in -> F.affine(in[0], -1.7, 0.3), param(9, 3, 7));
        both("gelu∘tanh∘exp", in -> F.gelu(F.tanh(F.exp(in[0]))), param(10, 5, 9));
        both("log∘sqrt", in -> F.log(F.sqrt(in[0])), param(11, 0.2, 3.0, 4, 3));
        both("relu∘square", in -> F.relu(F.square(in[0])), param(12, 4, 3));
        both("relu[both signs]", in -> F.relu(in[0]), param(13, 4, 3));
        both("biasGelu", in -> F.biasGelu(in[0], in[1]), param(14, 2, 3, 7), param(15, 7));
        both("biasGelu[block rows]", in -> F.biasGelu(in[0], in[1]), param(16, 70, 1031), param(17, 1031));
        both(
                "biasGelu[constant bias]",
                in -> F.biasGelu(in[0], in[1]),
                param(18, 5, 9),
                param(19, 9).requiresGrad(false));
        both(
                "linear∘biasGelu",
                in -> F.biasGelu(F.linear(in[0], in[1], null), in[2]),
                param(20, 3, 5),
                param(21, 6, 5),
                param(22, 6));
    }

    @Test
    void reductionsAndShapes() {
        both("sum[axis0]", in -> F.sum(in[0], 0, false), param(21, 3, 5, 2));
        both("mean[last]", in -> F.mean(in[0], -1, true), param(22, 3, 5, 7));
        both("mean[all]", in -> F.mean(in[0]), param(23, 6, 5));
        both("permute", in -> F.contiguous(F.permute(in[0], 2, 0, 1)), param(24, 2, 3, 5));
        both("concat", in -> F.concat(List.of(in[0], in[1]), 1), param(25, 2, 3), param(26, 2, 4));
        both("slice", in -> F.slice(in[0], 1, 1, 4), param(27, 3, 5, 2));
    }

    @Test
    void products() {
        both("matmul[batched]", in -> F.matmul(in[0], in[1]), param(31, 2, 3, 5), param(32, 2, 5, 7));
        both(
                "matmul[transposed view]",
                in -> F.matmul(in[0], F.transpose(in[1], 0, 1)),
                param(33, 3, 5),
                param(34, 4, 5));
        both(
                "matmul[4d]",
                in -> F.matmul(in[0], F.transpose(in[1], -1, -2)),
                param(35, 2, 3, 4, 5),
                param(36, 2, 3, 6, 5));
        both("linear", in -> F.linear(in[0], in[1], in[2]), param(37, 2, 3, 5), param(38, 4, 5), param(39, 4));
    }

    @Test
    void neuralNetworkOps() {
        both("layerNorm", in -> F.layerNorm(in[0], in[1], in[2], 1e-5), param(51, 3, 5, 7), param(52, 7), param(53, 7));
        both(
                "layerNorm[long rows]",
                in -> F.layerNorm(in[0], in[1], in[2], 1e-5),
                param(54, 2, 1500),
                param(55, 1500),
                param(56, 1500));
        Tensor targets = Tensor.ofInts(new int[] {0, 3, -100, 10, 7, 2}, 6);
        both("crossEntropy", in -> F.crossEntropy(in[0], in[1], -100), param(57, 6, 11), targets);
        both("softCrossEntropy", in -> F.softCrossEntropy(in[0], in[1]), param(58, 6, 11), param(59, 0.0, 1.0, 6, 11));
        Tensor ids = Tensor.ofInts(new int[] {1, 4, 4, 0, 12, 4, 7, 1, 1, 3}, 2, 5);
        both("embedding", in -> F.embedding(in[0], in[1]), param(60, 13, 7), ids);
        both("l2Normalize", in -> F.l2Normalize(in[0]), param(61, 4, 9));
        both("dropout", in -> F.dropout(in[0], 0.3, 77, true), param(62, 5, 13));
        both("patchify", in -> F.patchify(in[0], 4), param(63, 2, 3, 8, 12));
    }

    @Test
    void softmaxAndAttention() {
        both("softmax", in -> F.softmax(in[0]), param(71, 4, 9));
        both("logSoftmax[long rows]", in -> F.logSoftmax(in[0]), param(72, 3, 1500));
        both("softmax[axis0]", in -> F.softmax(in[0], 0), param(73, 5, 3));
        Tensor mask = Tensor.ofInts(new int[] {1, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, 2, 9);
        both(
                "attention[masked, Lq != Lk]",
                in -> F.attention(in[0], in[1], in[2], in[3]),
                param(74, 2, 3, 5, 8),
                param(75, 2, 3, 9, 8),
                param(76, 2, 3, 9, 8),
                mask);
        both(
                "attention[self]",
                in -> F.attention(in[0], in[1], in[2], null),
                param(77, 1, 2, 7, 16),
                param(78, 1, 2, 7, 16),
                param(79, 1, 2, 7, 16));
    }

    @Test
    void gradientChecksOnTheDevice() {
        Function<Tensor, Tensor> dev = t -> t.to(gpu).requiresGrad(true);
        GradCheck.check(
                "cuda linear",
                in -> F.linear(in[0], in[1], in[2]),
                dev.apply(param(41, 3, 5)),
                dev.apply(param(42, 4, 5)),
                dev.apply(param(43, 4)));
        GradCheck.check(
                "cuda div∘tanh[bias]",
                in -> F.div(F.tanh(in[0]), in[1]),
                dev.apply(param(44, 3, 5)),
                dev.apply(param(45, 0.5, 2.0, 5)));
        GradCheck.check(
                "cuda biasGelu", in -> F.biasGelu(in[0], in[1]), dev.apply(param(55, 4, 6)), dev.apply(param(56, 6)));
        GradCheck.check("cuda mean[axis]", in -> F.mean(in[0], 1, false), dev.apply(param(46, 3, 5, 2)));
        GradCheck.check(
                "cuda layerNorm",
                in -> F.layerNorm(in[0], in[1], in[2], 1e-5),
                dev.apply(param(47, 4, 6)),
                dev.apply(param(48, 6)),
                dev.apply(param(49, 6)));
        GradCheck.check(
                "cuda attention",
                in -> F.attention(in[0], in[1], in[2], null),
                dev.apply(param(52, 1, 2, 3, 4)),
                dev.apply(param(53, 1, 2, 5, 4)),
                dev.apply(param(54, 1, 2, 5, 4)));
        GradCheck.check(
                "cuda softCrossEntropy∘l2Normalize",
                in -> F.softCrossEntropy(F.l2Normalize(in[0]), in[1]),
                dev.apply(param(50, 3, 5)),
                dev.apply(param(51, 0.0, 1.0, 3, 5)));
    }
}
