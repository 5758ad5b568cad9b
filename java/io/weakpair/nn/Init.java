package io.weakpair.nn;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Shapes;
import io.weakpair.tensor.Tensor;
import java.util.SplittableRandom;

/**
 * How a parameter starts: a deterministic function of a seed and the shape. The named
 * schemes cover what the ALBEF family uses (PyTorch's Linear default, BERT's normal(0.02),
 * ViT's truncated normal(0.02), zeros and ones for biases and LayerNorm).
 */
@FunctionalInterface
public interface Init {
    Tensor create(long seed, DType dtype, Device device, int... shape);

    static Init constant(double value) {
        return (seed, dtype, device, shape) -> Tensor.full(value, dtype, device, shape);
    }

    static Init zeros() {
        return constant(0);
    }

    static Init ones() {
        return constant(1);
    }

    /** U(-bound, bound). */
    static Init uniform(double bound) {
        if (!(bound >= 0)) throw new IllegalArgumentException("Init.uniform: bound must be >= 0, got " + bound);
        return (seed, dtype, device, shape) -> Tensor.uniform(seed, -bound, bound, dtype, device, shape);
    }

    /** N(0, std^2). */
    static Init normal(double std) {
        if (!(std >= 0)) throw new IllegalArgumentException("Init.normal: std must be >= 0, got " + std);
        return (seed, dtype, device, shape) -> Tensor.randn(seed, std, dtype, device, shape);
    }

    /** N(0, std^2) redrawn until within two standard deviations (timm's trunc_normal_ in relative terms). */
    static Init truncatedNormal(double std) {
        if (!(std >= 0)) throw new IllegalArgumentException("Init.truncatedNormal: std must be >= 0, got " + std);
        return std == 0 ? zeros() : truncatedNormal(std, -2 * std, 2 * std);
    }

    /**
     * N(0, std^2) redrawn until inside [lo, hi] in absolute terms: timm's {@code trunc_normal_(std, a, b)},
     * whose defaults a = -2, b = 2 cut nothing in practice at std 0.02.
     */
    static Init truncatedNormal(double std, double lo, double hi) {
        if (!(std > 0)) throw new IllegalArgumentException("Init.truncatedNormal: std must be > 0, got " + std);
        if (!(lo < 0 && hi > 0))
            throw new IllegalArgumentException("Init.truncatedNormal: need lo < 0 < hi, got [" + lo + ", " + hi + "]");
        return (seed, dtype, device, shape) -> {
            Shapes.validate(shape);
            SplittableRandom rng = new SplittableRandom(seed);
            double[] data = new double[Math.toIntExact(Shapes.numel(shape))];
            for (int i = 0; i < data.length; i++) {
                double v;
                do {
                    v = std * Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
                } while (v < lo || v > hi);
                data[i] = v;
            }
            return Tensor.fromDoubles(data, dtype, device, shape);
        };
    }
}
