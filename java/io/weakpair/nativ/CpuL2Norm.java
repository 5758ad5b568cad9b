package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/l2norm.h. Callers validate shapes first. */
@Platform(include = "wp/l2norm.h", link = "weakpair_cpu")
public final class CpuL2Norm {
    static { NativeLoader.load(CpuL2Norm.class); }

    private CpuL2Norm() {}

    public static native void wp_l2norm_forward(int dtype, long rows, long cols, @Cast("const void*") long x,
            @Cast("void*") long y, @Cast("void*") long norms, double eps);

    public static native void wp_l2norm_backward(int dtype, long rows, long cols, @Cast("const void*") long y,
            @Cast("const void*") long norms, @Cast("const void*") long gy, @Cast("void*") long gx, double eps);
}
