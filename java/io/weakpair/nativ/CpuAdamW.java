package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/adamw.h. Callers validate shapes, dtypes and hyperparameters first. */
@Platform(include = "wp/adamw.h", link = "weakpair_cpu")
public final class CpuAdamW {
    static { NativeLoader.load(CpuAdamW.class); }

    private CpuAdamW() {}

    public static native void wp_adamw_step(int dtype, long n, @Cast("void*") long param, @Cast("const void*") long grad,
            @Cast("void*") long m, @Cast("void*") long v, double lr, double beta1, double beta2, double eps,
            double weightDecay, long step);
}
