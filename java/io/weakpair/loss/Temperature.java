package io.weakpair.loss;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;

/**
 * The learnable temperature tau of the contrastive loss (docs/method.md, notation): a scalar parameter,
 * initialised to 0.07 and clamped to [0.001, 0.5] after every optimiser step. Register
 * {@link #clampHook()} with the optimiser (or call {@link #clamp()} after each step).
 */
public final class Temperature implements AutoCloseable {
    public static final double INITIAL = 0.07;
    public static final double MIN = 0.001;
    public static final double MAX = 0.5;

    private final Tensor value;

    /** An F32 temperature at 0.07 on the CPU. */
    public Temperature() {
        this(INITIAL, DType.F32, Device.CPU);
    }

    public Temperature(double initial, DType dtype, Device device) {
        if (!(initial >= MIN && initial <= MAX))
            throw new IllegalArgumentException(
                    "temperature: initial value " + initial + " is outside [" + MIN + ", " + MAX + "]");
        // The parameter outlives any step scope: owned by this object, closed with it.
        value = Scope.detach(
                Tensor.full(initial, dtype, device).requiresGrad(true).setName("temperature"));
    }

    /** The parameter tensor (shape [], requires a gradient). */
    public Tensor tensor() {
        return value;
    }

    public double value() {
        return value.item();
    }

    /** Clamps the parameter into [MIN, MAX] in place. */
    public void clamp() {
        clamp(value);
    }

    /** A hook for the optimiser to run after every step. */
    public Runnable clampHook() {
        return this::clamp;
    }

    /**
     * Clamps any one-element temperature tensor into [MIN, MAX] in place; a NaN temperature is
     * an error (the step that produced it is broken; clamping would hide that).
     */
    public static void clamp(Tensor tau) {
        if (tau.numel() != 1)
            throw new IllegalArgumentException("temperature clamp: " + tau.describe() + " is not a scalar");
        double v = tau.item();
        if (Double.isNaN(v)) throw new IllegalStateException("temperature clamp: the temperature is NaN");
        double c = Math.min(MAX, Math.max(MIN, v));
        if (c != v) {
            if (!tau.isContiguous())
                throw new IllegalArgumentException("temperature clamp: " + tau.describe() + " is not contiguous");
            tau.backend().fill(tau, c);
        }
    }

    @Override
    public void close() {
        value.close();
    }
}
