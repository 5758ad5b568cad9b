package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * Bindings for native/include/wp/attention.h (fused scaled dot-product attention). Callers
 * validate shapes first; keyMask is 0 when there is no mask.
 */
@Platform(include = "wp/attention.h", link = "weakpair_cpu")
public final class CpuAttention {
    static { NativeLoader.load(CpuAttention.class); }

    private CpuAttention() {}

    public static native void wp_attention_forward(int dtype, long batch, long heads, long lq, long lk, long dh,
            @Cast("const void*") long q, @Cast("const void*") long k, @Cast("const void*") long v,
            @Cast("const int32_t*") long keyMask, double scale, @Cast("void*") long out, @Cast("void*") long lse);

    public static native void wp_attention_backward(int dtype, long batch, long heads, long lq, long lk, long dh,
            @Cast("const void*") long q, @Cast("const void*") long k, @Cast("const void*") long v,
            @Cast("const int32_t*") long keyMask, double scale, @Cast("const void*") long out,
            @Cast("const void*") long lse, @Cast("const void*") long gout, @Cast("void*") long gq,
            @Cast("void*") long gk, @Cast("void*") long gv);
}
