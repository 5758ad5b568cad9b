package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for cuda/include/wpc/adamw.h (device pointers and a stream as longs). */
@Platform(include = "wpc/adamw.h", link = "weakpair_cuda")
public final class CudaAdamW {
    static { CudaNativeLoader.load(CudaAdamW.class); }

    private CudaAdamW() {}

    public static native void wpc_adamw_step(int dtype, long n, @Cast("void*") long param, @Cast("const void*") long grad,
            @Cast("void*") long m, @Cast("void*") long v, double lr, double beta1, double beta2, double eps,
            double weightDecay, long step, @Cast("cudaStream_t") long stream);
}
