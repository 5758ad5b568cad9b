package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for cuda/include/wpc/layernorm.h (device pointers and a stream as longs). */
@Platform(include = "wpc/layernorm.h", link = "weakpair_cuda")
public final class CudaLayerNorm {
    static { CudaNativeLoader.load(CudaLayerNorm.class); }

    private CudaLayerNorm() {}

    public static native void wpc_layernorm_forward(int dtype, long rows, long cols, @Cast("const void*") long x,
            @Cast("const void*") long gamma, @Cast("const void*") long beta, double eps, @Cast("void*") long y,
            @Cast("void*") long mean, @Cast("void*") long rstd, @Cast("cudaStream_t") long stream);

    public static native void wpc_layernorm_backward(int dtype, long rows, long cols, @Cast("const void*") long x,
            @Cast("const void*") long gamma, @Cast("const void*") long mean, @Cast("const void*") long rstd,
            @Cast("const void*") long gy, @Cast("void*") long gx, @Cast("void*") long ggamma, @Cast("void*") long gbeta,
            @Cast("cudaStream_t") long stream);
}
