package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/dropout.h. Callers validate shapes first; 0 stands for NULL. */
@Platform(include = "wp/dropout.h", link = "weakpair_cpu")
public final class CpuDropout {
    static { NativeLoader.load(CpuDropout.class); }

    private CpuDropout() {}

    public static native void wp_dropout_forward(int dtype, long n, @Cast("const void*") long x, @Cast("void*") long y,
            @Cast("void*") long mask, double p, long seed);
}
