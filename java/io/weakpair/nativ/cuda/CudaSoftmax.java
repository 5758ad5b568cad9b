package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for cuda/include/wpc/softmax.h (device pointers and a stream as longs). */
@Platform(include = "wpc/softmax.h", link = "weakpair_cuda")
public final class CudaSoftmax {
    static { CudaNativeLoader.load(CudaSoftmax.class); }

    private CudaSoftmax() {}

    public static native void wpc_softmax_forward(int dtype, long rows, long cols, @Cast("const void*") long x,
            @Cast("void*") long y, int log, @Cast("cudaStream_t") long stream);

    public static native void wpc_softmax_backward(int dtype, long rows, long cols, @Cast("const void*") long y,
            @Cast("const void*") long gy, @Cast("void*") long gx, int log, @Cast("cudaStream_t") long stream);
}
