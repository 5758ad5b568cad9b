package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/elementwise.h. Callers validate shapes first. */
@Platform(include = "wp/elementwise.h", link = "weakpair_cpu")
public final class CpuElementwise {
    static { NativeLoader.load(CpuElementwise.class); }

    private CpuElementwise() {}

    public static native void wp_binary(int op, int dtype, int ndim, @Cast("const int64_t*") long[] shape,
            @Cast("const void*") long a, @Cast("const int64_t*") long[] aStrides,
            @Cast("const void*") long b, @Cast("const int64_t*") long[] bStrides,
            @Cast("void*") long out, @Cast("const int64_t*") long[] outStrides);

    public static native void wp_unary(int op, int dtype, long n, @Cast("const void*") long x,
            @Cast("void*") long y, double alpha, double beta);

    public static native void wp_unary_backward(int op, int dtype, long n, @Cast("const void*") long x,
            @Cast("const void*") long y, @Cast("const void*") long gy, @Cast("void*") long gx, double alpha);

    public static native void wp_reduce_sum(int dtype, long outer, long axis, long inner,
            @Cast("const void*") long x, @Cast("void*") long out, double scale);

    public static native double wp_sum_squares(int dtype, long n, @Cast("const void*") long x);
}
