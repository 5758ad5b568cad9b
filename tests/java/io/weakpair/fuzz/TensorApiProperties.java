package io.weakpair.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.backend.Backend;
import io.weakpair.backend.BinaryOp;
import io.weakpair.backend.MiningMode;
import io.weakpair.backend.UnaryOp;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Random shapes, strides, offsets, dtypes, closed tensors and out-of-range indices through the
 * public tensor API, the ops of {@code F} and the CPU {@link Backend} called directly. Run in a
 * child JVM by {@link TensorApiFuzzTest} (a memory error kills the child, not the test run);
 * every call must succeed or be refused with an IllegalArgumentException/IllegalStateException
 * ({@link Outcomes}).
 */
public class TensorApiProperties {

    /**
     * A raw view is accepted exactly when every element it can reach lies inside the storage
     * (an independent oracle), and an accepted view reads back the elements its strides name.
     */
    @Property
    void viewsStayInsideTheirStorage(
            @ForAll("dtypes") DType dtype,
            @ForAll @IntRange(min = 0, max = 40) int size,
            @ForAll @IntRange(min = 0, max = 4) int rank,
            @ForAll long seed,
            @ForAll @LongRange(min = -3, max = 45) long offset,
            @ForAll boolean closeFirst) {
        RandomTensors rt = new RandomTensors(seed);
        try (Scope s = Scope.open()) {
            Tensor base = rt.filled(dtype, size);
            int[] shape = new int[rank];
            long[] strides = new long[rank];
            for (int i = 0; i < rank; i++) {
                shape[i] = rt.nextInt(0, 5);
                strides[i] = rt.nextInt(-2, 9);
            }
            if (closeFirst) base.close();
            long capacity = Math.max(1, size);
            boolean inside = !closeFirst && reachInside(shape, strides, offset, capacity);
            Tensor[] view = new Tensor[1];
            boolean ok = Outcomes.accepted("view", () -> view[0] = base.view(shape, strides, offset));
            assertTrue(
                    ok == inside,
                    "view " + java.util.Arrays.toString(shape) + " strides " + java.util.Arrays.toString(strides)
                            + " offset " + offset + " of " + size + " elements: accepted=" + ok + ", inside=" + inside);
            if (ok && dtype.isFloating() && size > 0) {
                double[] all = base.toDoubleArray();
                double[] read = view[0].toDoubleArray();
                int[] idx = new int[rank];
                for (int flat = 0; flat < read.length; flat++) {
                    long at = offset;
                    for (int d = 0; d < rank; d++) at += idx[d] * strides[d];
                    assertTrue(Double.compare(all[(int) at], read[flat]) == 0, "view element " + flat);
                    for (int d = rank - 1; d >= 0 && ++idx[d] == shape[d]; d--) idx[d] = 0;
                }
            }
        }
    }

    private static boolean reachInside(int[] shape, long[] strides, long offset, long capacity) {
        if (offset < 0) return false;
        long last = offset;
        boolean empty = false;
        for (int i = 0; i < shape.length; i++) {
            if (strides[i] < 0) return false;
            if (shape[i] == 0) empty = true;
            last += (shape[i] - 1L) * strides[i];
        }
        return empty || last < capacity;
    }

    /** Factories and reads with bad shapes (negative, overflowing, too many axes) and mismatched data. */
    @Property
    void factoriesRefuseBadShapes(@ForAll long seed, @ForAll @IntRange(min = 0, max = 9) int which) {
        RandomTensors rt = new RandomTensors(seed);
        try (Scope s = Scope.open()) {
            int[] shape = rt.shape(3, 4);
            if (rt.chance(0.3) && shape.length > 0) shape[rt.nextInt(0, shape.length - 1)] = rt.nextInt(-3, -1);
            // Sizes whose element or byte count overflows a long (never one that could really be allocated).
            if (rt.chance(0.1))
                shape = new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, rt.nextInt(1, 4)};
            if (rt.chance(0.1)) shape = new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 1 << 30};
            if (rt.chance(0.05)) shape = new int[9];
            int[] fs = shape;
            int n = rt.nextInt(0, 30);
            DType dtype = rt.dtype();
            Outcomes.accepted("factory " + which, () -> {
                switch (which) {
                    case 0 -> Tensor.empty(dtype, fs);
                    case 1 -> Tensor.zeros(dtype, fs);
                    case 2 -> Tensor.of(new float[n], fs);
                    case 3 -> Tensor.ofInts(new int[n], fs);
                    case 4 -> Tensor.ofLongs(new long[n], fs);
                    case 5 -> Tensor.randn(seed, 1, dtype, Device.CPU, fs);
                    case 6 -> Tensor.fromDoubles(new double[n], dtype, Device.CPU, fs);
                    case 7 -> Tensor.of(new double[n], fs).viewAs(fs);
                    case 8 -> Tensor.zeros(dtype, fs).dim(n - 15);
                    default -> Tensor.zeros(dtype, fs).item();
                }
            });
        }
    }

    /** The ops of F on random tensors (any dtype, views, closed ones), then backward through what they built. */
    @Property
    void opsRefuseOrCompute(@ForAll @IntRange(min = 0, max = 27) int which, @ForAll long seed) {
        RandomTensors rt = new RandomTensors(seed);
        try (Scope s = Scope.open()) {
            Tensor a = rt.any(), b = rt.any(), c = rt.any();
            for (Tensor t : new Tensor[] {a, b}) {
                if (!t.isClosed() && t.dtype().isComputeFloating() && t.isLeaf() && rt.chance(0.3))
                    t.requiresGrad(true);
            }
            int i = rt.nextInt(-5, 5), j = rt.nextInt(-5, 5), k = rt.nextInt(-1, 6);
            Tensor[] out = new Tensor[1];
            Outcomes.accepted(
                    "F op " + which,
                    () -> out[0] = switch (which) {
                        case 0 -> F.add(a, b);
                        case 1 -> F.sub(a, b);
                        case 2 -> F.mul(a, b);
                        case 3 -> F.div(a, b);
                        case 4 -> F.exp(a);
                        case 5 -> F.gelu(a);
                        case 6 -> F.sum(a, i, rt.chance(0.5));
                        case 7 -> F.mean(a);
                        case 8 -> F.matmul(a, b);
                        case 9 -> F.linear(a, b, rt.chance(0.5) ? c : null);
                        case 10 -> F.softmax(a, i);
                        case 11 -> F.logSoftmax(a);
                        case 12 -> F.attention(a, b, c, rt.chance(0.5) ? rt.filled(DType.I32, rt.shape(2, 4)) : null);
                        case 13 -> F.layerNorm(a, rt.chance(0.5) ? b : null, rt.chance(0.5) ? c : null, rt.scalar());
                        case 14 -> F.crossEntropy(a, b, i);
                        case 15 -> F.softCrossEntropy(a, b);
                        case 16 -> F.embedding(a, b);
                        case 17 -> F.l2Normalize(a, rt.scalar());
                        case 18 -> F.dropout(a, rt.scalar(), seed, rt.chance(0.5));
                        case 19 -> F.patchify(a, k);
                        case 20 -> F.reshape(a, rt.shape(3, 6));
                        case 21 -> F.permute(a, rt.shape(4, 4));
                        case 22 -> F.transpose(a, i, j);
                        case 23 -> F.slice(a, i, j, k);
                        case 24 -> F.concat(List.of(a, b), i);
                        case 25 -> F.contiguous(a);
                        case 26 -> F.sqrt(F.square(a));
                        default -> F.affine(a, rt.scalar(), rt.scalar());
                    });
            Tensor result = out[0];
            if (result != null
                    && !result.isClosed()
                    && result.requiresGrad()
                    && result.dtype().isFloating())
                Outcomes.accepted("backward of op " + which, () -> Autograd.backward(F.sum(result)));
            if (result != null && !result.isClosed()) Outcomes.accepted("read", result::toDoubleArray);
        }
    }

    /** The CPU backend called directly with random tensors: the last line of defence before raw pointers. */
    @Property
    void backendCallsRefuseOrCompute(@ForAll @IntRange(min = 0, max = 34) int which, @ForAll long seed) {
        RandomTensors rt = new RandomTensors(seed);
        try (Scope s = Scope.open()) {
            // Small shapes drawn from few sizes, so that matching calls (which run the kernel) are frequent.
            int n = rt.nextInt(0, 3), m = rt.nextInt(1, 3);
            Tensor[] pool = new Tensor[8];
            for (int p = 0; p < pool.length; p++) {
                int[] shape =
                        switch (rt.nextInt(0, 4)) {
                            case 0 -> new int[] {n};
                            case 1 -> new int[] {n, m};
                            case 2 -> new int[] {m, m};
                            case 3 -> new int[] {1, 1, n, m};
                            default -> rt.shape(4, 3);
                        };
                pool[p] = rt.like(shape);
            }
            Backend be = io.weakpair.backend.Backends.get(Device.CPU);
            RandomTensors r = rt;
            Outcomes.accepted("backend call " + which, () -> call(be, which, r, pool));
        }
    }

    private static void call(Backend be, int which, RandomTensors r, Tensor[] pool) {
        Tensor a = r.pick(pool, 0.02), b = r.pick(pool, 0.02), c = r.pick(pool, 0.02), d = r.pick(pool, 0.3);
        Tensor e = r.pick(pool, 0.3), f = r.pick(pool, 0.3), g = r.pick(pool, 0.3);
        long x = r.nextInt(-1, 4), y = r.nextInt(-1, 4), z = r.nextInt(-1, 4);
        switch (which) {
            case 0 -> be.fill(a, r.scalar());
            case 1 -> be.copy(a, b);
            case 2 -> be.cast(a, b);
            case 3 -> be.binary(BinaryOp.values()[r.nextInt(0, 3)], a, b, c);
            case 4 ->
                be.unary(UnaryOp.values()[r.nextInt(0, UnaryOp.values().length - 1)], a, b, r.scalar(), r.scalar());
            case 5 ->
                be.unaryBackward(UnaryOp.values()[r.nextInt(0, UnaryOp.values().length - 1)], d, e, a, b, r.scalar());
            case 6 -> be.reduceSum(a, x, y, z, b, 1);
            case 7 -> be.sumSquares(a);
            case 8 -> be.hasNonFinite(a);
            case 9 ->
                be.gemm(
                        r.chance(0.5),
                        r.chance(0.5),
                        x,
                        y,
                        z,
                        r.nextInt(-1, 3),
                        1,
                        a,
                        r.nextInt(-1, 4),
                        r.nextInt(-1, 4),
                        b,
                        r.nextInt(-1, 4),
                        r.nextInt(-1, 4),
                        0,
                        c,
                        r.nextInt(-1, 4),
                        r.nextInt(-1, 4));
            case 10 -> be.layerNormForward(a, d, e, 1e-5, b, c, f);
            case 11 -> be.layerNormBackward(a, d, b, c, e, f, g, r.pick(pool, 0.3));
            case 12 -> be.softmaxForward(a, b, r.chance(0.5));
            case 13 -> be.softmaxBackward(a, b, c, r.chance(0.5));
            case 14 -> be.crossEntropyForward(a, b, r.nextInt(-1, 2), c, d);
            case 15 -> be.crossEntropyBackward(a, b, r.nextInt(-1, 2), c, d, e);
            case 16 -> be.softCrossEntropyForward(a, b, c, d);
            case 17 -> be.softCrossEntropyBackward(a, b, c, d, e, f);
            case 18 -> be.embeddingForward(a, b, c);
            case 19 -> be.embeddingBackward(a, b, c);
            case 20 -> be.l2NormalizeForward(a, b, c, 1e-12);
            case 21 -> be.l2NormalizeBackward(a, b, c, d, 1e-12);
            case 22 -> be.dropoutForward(a, b, d, r.scalar(), 7);
            case 23 -> be.patchify(a, b, r.nextInt(-1, 3));
            case 24 -> be.unpatchify(a, b, r.nextInt(-1, 3));
            case 25 -> be.attentionForward(a, b, c, d, 1, e, f);
            case 26 ->
                be.attentionBackward(a, b, c, d, 1, e, f, g, r.pick(pool, 0.1), r.pick(pool, 0.1), r.pick(pool, 0.1));
            case 27 -> be.adamw(a, b, c, r.pick(pool, 0.02), 1e-3, 0.9, 0.999, 1e-8, 0.01, x);
            case 28 -> be.similarityForward(a, b, r.scalar(), c, d, e, f, g);
            case 29 -> be.similarityBackward(a, b, c, d, r.scalar(), e, f, g, r.pick(pool, 0.3), r.pick(pool, 0.3));
            case 30 -> be.uncertaintyConfidence(a, d, e, f, g);
            case 31 -> be.contrastiveLogits(a, d, e, r.scalar(), f, g, b, r.pick(pool, 0.3));
            case 32 ->
                be.contrastiveFused(
                        a,
                        b,
                        r.scalar(),
                        d,
                        e,
                        r.scalar(),
                        f,
                        g,
                        r.chance(0.5),
                        x,
                        c,
                        r.pick(pool, 0.3),
                        r.pick(pool, 0.3),
                        r.pick(pool, 0.3));
            case 33 ->
                be.mineHardNegatives(a, b, MiningMode.values()[r.nextInt(0, MiningMode.values().length - 1)], 3, c, d);
            default -> be.mineWeakPositives(a, b, r.chance(0.1) ? null : MiningMode.values()[0], 3, c);
        }
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<DType> dtypes() {
        return net.jqwik.api.Arbitraries.of(DType.values());
    }
}
