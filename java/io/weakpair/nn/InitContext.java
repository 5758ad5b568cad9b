package io.weakpair.nn;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/**
 * What a module needs to create its parameters: the seed of its place in the model, and the
 * dtype and device the parameters are made in. One value travels down the constructors instead
 * of three; each part derives its own from it by name ({@link #child}), so a parameter's
 * starting values depend on its name and the model seed only, never on what else the model holds.
 *
 * <p>{@link Module#registerModule(String, InitContext, java.util.function.Function)} and
 * {@link Module#registerParameter(String, InitContext, Init, int...)} derive the seed from the
 * name they register, which is how almost every part is seeded.
 */
public record InitContext(long seed, DType dtype, Device device) {
    public InitContext {
        if (dtype == null || !dtype.isFloating())
            throw new IllegalArgumentException("InitContext: dtype must be floating, got " + dtype);
        if (device == null) throw new IllegalArgumentException("InitContext: device is null");
    }

    /** F32 on the CPU. */
    public static InitContext cpu(long seed) {
        return new InitContext(seed, DType.F32, Device.CPU);
    }

    /** The context of the part labelled {@code label}: its seed derived ({@link Seeds#derive}), dtype and device kept. */
    public InitContext child(String label) {
        return new InitContext(Seeds.derive(seed, label), dtype, device);
    }

    /** A tensor of {@code shape} drawn by {@code init} from the seed derived for {@code name}. */
    public Tensor create(String name, Init init, int... shape) {
        return init.create(Seeds.derive(seed, name), dtype, device, shape);
    }
}
