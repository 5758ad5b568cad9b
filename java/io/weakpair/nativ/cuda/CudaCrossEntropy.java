package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for cuda/include/wpc/cross_entropy.h (device pointers and a stream as longs). */
@Platform(include = "wpc/cross_entropy.h", link = "weakpair_cuda")
public final class CudaCrossEntropy {
    static { CudaNativeLoader.load(CudaCrossEntropy.class); }

    private CudaCrossEntropy() {}

    public static native void wpc_cross_entropy_forward(int dtype, long rows, long classes, @Cast("const void*") long logits,
            @Cast("const int32_t*") long targets, int ignoreIndex, @Cast("void*") long loss, @Cast("void*") long lse,
            @Cast("int64_t*") long firstBad, @Cast("cudaStream_t") long stream);

    public static native void wpc_cross_entropy_backward(int dtype, long rows, long classes, @Cast("const void*") long logits,
            @Cast("const int32_t*") long targets, int ignoreIndex, @Cast("const void*") long lse,
            @Cast("const void*") long gloss, @Cast("void*") long glogits, @Cast("cudaStream_t") long stream);

    public static native void wpc_soft_cross_entropy_forward(int dtype, long rows, long classes,
            @Cast("const void*") long logits, @Cast("const void*") long q, @Cast("void*") long loss, @Cast("void*") long lse,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_soft_cross_entropy_backward(int dtype, long rows, long classes,
            @Cast("const void*") long logits, @Cast("const void*") long q, @Cast("const void*") long lse,
            @Cast("const void*") long gloss, @Cast("void*") long glogits, @Cast("void*") long gq,
            @Cast("cudaStream_t") long stream);
}
