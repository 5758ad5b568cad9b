package io.weakpair.fuzz;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * Random tensors for the API fuzz properties: any dtype, ranks 0 to 4 with small (and empty)
 * dimensions, values that include NaN and out-of-range integers, and now and then a strided view
 * or a closed tensor. Everything is created in the caller's Scope.
 */
final class RandomTensors {
    private final SplittableRandom r;

    RandomTensors(long seed) {
        this.r = new SplittableRandom(seed);
    }

    int nextInt(int lo, int hiInclusive) {
        return lo + r.nextInt(hiInclusive - lo + 1);
    }

    boolean chance(double p) {
        return r.nextDouble() < p;
    }

    DType dtype() {
        return DType.values()[r.nextInt(DType.values().length)];
    }

    /** A floating dtype most of the time (the ops' domain), any dtype otherwise. */
    DType mostlyFloating() {
        return chance(0.8) ? (chance(0.5) ? DType.F32 : DType.F64) : dtype();
    }

    int[] shape(int maxRank, int maxDim) {
        int[] s = new int[nextInt(0, maxRank)];
        for (int i = 0; i < s.length; i++) s[i] = chance(0.08) ? 0 : nextInt(1, maxDim);
        return s;
    }

    /** A tensor of exactly this dtype and shape with random values (NaN and infinities now and then). */
    Tensor filled(DType dtype, int... shape) {
        int n = (int) io.weakpair.tensor.Shapes.numel(shape);
        switch (dtype) {
            case I32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) v[i] = nextInt(-3, 9);
                return Tensor.ofInts(v, shape);
            }
            case I64 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) v[i] = nextInt(-3, 9);
                return Tensor.ofLongs(v, shape);
            }
            default -> {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) v[i] = chance(0.02) ? special() : r.nextGaussian();
                return Tensor.fromDoubles(v, dtype, Device.CPU, shape);
            }
        }
    }

    private double special() {
        double[] s = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1e300};
        return s[r.nextInt(s.length)];
    }

    /** Any tensor: random dtype and shape, sometimes a strided view of a larger one, sometimes closed. */
    Tensor any() {
        Tensor t = filled(dtype(), shape(4, 5));
        return decorate(t);
    }

    /** A tensor of this shape, mostly floating, sometimes a view, sometimes closed. */
    Tensor like(int... shape) {
        return decorate(filled(mostlyFloating(), shape));
    }

    /** Sometimes a raw strided view (which the tensor may refuse), sometimes closed. */
    Tensor decorate(Tensor t) {
        if (chance(0.2)) {
            int rank = nextInt(0, 4);
            int[] shape = new int[rank];
            long[] strides = new long[rank];
            for (int i = 0; i < rank; i++) {
                shape[i] = nextInt(0, 4);
                strides[i] = nextInt(-1, 4);
            }
            try {
                t = t.view(shape, strides, nextInt(-1, 6));
            } catch (IllegalArgumentException outside) {
                // refused: keep the tensor itself
            }
        }
        if (chance(0.05)) t.close();
        return t;
    }

    /** A pick from a pool, or null now and then (an optional argument left out, or a wrong null). */
    Tensor pick(Tensor[] pool, double nullChance) {
        if (chance(nullChance)) return null;
        return pool[r.nextInt(pool.length)];
    }

    double scalar() {
        double[] s = {0, 1, -1, 0.5, 1e-12, Double.NaN, Double.POSITIVE_INFINITY, 2, 1.5};
        return s[r.nextInt(s.length)];
    }
}
