package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/softmax.h. Callers validate shapes first. */
@Platform(include = "wp/softmax.h", link = "weakpair_cpu")
public final class CpuSoftmax {
    static { NativeLoader.load(CpuSoftmax.class); }

    private CpuSoftmax() {}

    public static native void wp_softmax_forward(int dtype, long rows, long cols, @Cast("const void*") long x,
            @Cast("void*") long y, int log);

    public static native void wp_softmax_backward(int dtype, long rows, long cols, @Cast("const void*") long y,
            @Cast("const void*") long gy, @Cast("void*") long gx, int log);
}
