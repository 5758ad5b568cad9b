package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for cuda/include/wpc/elementwise.h (device pointers and a stream as longs). */
@Platform(include = "wpc/elementwise.h", link = "weakpair_cuda")
public final class CudaElementwise {
    static { CudaNativeLoader.load(CudaElementwise.class); }

    private CudaElementwise() {}

    public static native void wpc_binary(int op, int dtype, int ndim, @Cast("const int64_t*") long[] shape,
            @Cast("const void*") long a, @Cast("const int64_t*") long[] aStrides,
            @Cast("const void*") long b, @Cast("const int64_t*") long[] bStrides,
            @Cast("void*") long out, @Cast("const int64_t*") long[] outStrides, @Cast("cudaStream_t") long stream);

    public static native void wpc_unary(int op, int dtype, long n, @Cast("const void*") long x, @Cast("void*") long y,
            double alpha, double beta, @Cast("cudaStream_t") long stream);

    public static native void wpc_unary_backward(int op, int dtype, long n, @Cast("const void*") long x,
            @Cast("const void*") long y, @Cast("const void*") long gy, @Cast("void*") long gx, double alpha,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_reduce_sum(int dtype, long outer, long axis, long inner, @Cast("const void*") long x,
            @Cast("void*") long out, double scale, @Cast("cudaStream_t") long stream);

    public static native void wpc_sum_squares(int dtype, long n, @Cast("const void*") long x, @Cast("double*") long out,
            int accumulate, @Cast("cudaStream_t") long stream);
}
