package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/runtime.h: host memory, threads, fills, copies, casts. */
@Platform(include = "wp/runtime.h", link = "weakpair_cpu")
public final class CpuRuntime {
    static { NativeLoader.load(CpuRuntime.class); }

    private CpuRuntime() {}

    public static native @Cast("intptr_t") long wp_host_alloc(long bytes);

    public static native void wp_host_free(@Cast("void*") long ptr);

    public static native void wp_host_empty_cache();

    public static native long wp_host_cached_bytes();

    public static native void wp_host_set_cache_limit(long bytes);

    public static native void wp_set_num_threads(int threads);

    public static native int wp_get_num_threads();

    public static native void wp_fill(int dtype, @Cast("void*") long dst, long n, double value);

    public static native void wp_copy_strided(int dtype, int ndim, @Cast("const int64_t*") long[] shape,
            @Cast("const void*") long src, @Cast("const int64_t*") long[] srcStrides,
            @Cast("void*") long dst, @Cast("const int64_t*") long[] dstStrides);

    public static native void wp_cast(int srcDtype, @Cast("const void*") long src, int dstDtype,
            @Cast("void*") long dst, long n);

    // Bulk transfers between Java arrays and native memory (JavaCPP pins or copies the array).
    public static native void wp_memcpy(@Cast("void*") long dst, @Cast("const void*") float[] src, long bytes);

    public static native void wp_memcpy(@Cast("void*") long dst, @Cast("const void*") double[] src, long bytes);

    public static native void wp_memcpy(@Cast("void*") long dst, @Cast("const void*") int[] src, long bytes);

    public static native void wp_memcpy(@Cast("void*") long dst, @Cast("const void*") long[] src, long bytes);

    public static native void wp_memcpy(@Cast("void*") long dst, @Cast("const void*") byte[] src, long bytes);

    public static native void wp_memcpy(@Cast("void*") float[] dst, @Cast("const void*") long src, long bytes);

    public static native void wp_memcpy(@Cast("void*") double[] dst, @Cast("const void*") long src, long bytes);

    public static native void wp_memcpy(@Cast("void*") int[] dst, @Cast("const void*") long src, long bytes);

    public static native void wp_memcpy(@Cast("void*") long[] dst, @Cast("const void*") long src, long bytes);

    public static native void wp_memcpy(@Cast("void*") byte[] dst, @Cast("const void*") long src, long bytes);

    public static native int wp_has_nonfinite(int dtype, @Cast("const void*") long src, long n);
}
