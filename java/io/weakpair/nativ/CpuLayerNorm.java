package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/layernorm.h. Callers validate shapes first; 0 stands for NULL. */
@Platform(include = "wp/layernorm.h", link = "weakpair_cpu")
public final class CpuLayerNorm {
    static { NativeLoader.load(CpuLayerNorm.class); }

    private CpuLayerNorm() {}

    public static native void wp_layernorm_forward(int dtype, long rows, long cols, @Cast("const void*") long x,
            @Cast("const void*") long gamma, @Cast("const void*") long beta, double eps, @Cast("void*") long y,
            @Cast("void*") long mean, @Cast("void*") long rstd);

    public static native void wp_layernorm_backward(int dtype, long rows, long cols, @Cast("const void*") long x,
            @Cast("const void*") long gamma, @Cast("const void*") long mean, @Cast("const void*") long rstd,
            @Cast("const void*") long gy, @Cast("void*") long gx, @Cast("void*") long ggamma, @Cast("void*") long gbeta);
}
