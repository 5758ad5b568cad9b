package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for cuda/include/wpc/l2norm.h (device pointers and a stream as longs). */
@Platform(include = "wpc/l2norm.h", link = "weakpair_cuda")
public final class CudaL2Norm {
    static { CudaNativeLoader.load(CudaL2Norm.class); }

    private CudaL2Norm() {}

    public static native void wpc_l2norm_forward(int dtype, long rows, long cols, @Cast("const void*") long x,
            @Cast("void*") long y, @Cast("void*") long norms, double eps, @Cast("cudaStream_t") long stream);

    public static native void wpc_l2norm_backward(int dtype, long rows, long cols, @Cast("const void*") long y,
            @Cast("const void*") long norms, @Cast("const void*") long gy, @Cast("void*") long gx, double eps,
            @Cast("cudaStream_t") long stream);
}
