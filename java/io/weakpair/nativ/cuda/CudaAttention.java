package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for cuda/include/wpc/attention.h (device pointers and a stream as longs). */
@Platform(include = "wpc/attention.h", link = "weakpair_cuda")
public final class CudaAttention {
    static { CudaNativeLoader.load(CudaAttention.class); }

    private CudaAttention() {}

    public static native void wpc_attention_forward(int dtype, long batch, long heads, long lq, long lk, long dh,
            @Cast("const void*") long q, @Cast("const void*") long k, @Cast("const void*") long v,
            @Cast("const int32_t*") long keyMask, double scale, @Cast("void*") long out, @Cast("void*") long lse,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_attention_backward(int dtype, long batch, long heads, long lq, long lk, long dh,
            @Cast("const void*") long q, @Cast("const void*") long k, @Cast("const void*") long v,
            @Cast("const int32_t*") long keyMask, double scale, @Cast("const void*") long out, @Cast("const void*") long lse,
            @Cast("const void*") long gout, @Cast("void*") long gq, @Cast("void*") long gk, @Cast("void*") long gv,
            @Cast("cudaStream_t") long stream);
}
