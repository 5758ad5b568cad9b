package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for cuda/include/wpc/dropout.h (device pointers and a stream as longs). */
@Platform(include = "wpc/dropout.h", link = "weakpair_cuda")
public final class CudaDropout {
    static { CudaNativeLoader.load(CudaDropout.class); }

    private CudaDropout() {}

    public static native void wpc_dropout_forward(int dtype, long n, @Cast("const void*") long x, @Cast("void*") long y,
            @Cast("void*") long mask, double p, long seed, @Cast("cudaStream_t") long stream);
}
