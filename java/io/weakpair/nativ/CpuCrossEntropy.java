package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/cross_entropy.h. Callers validate shapes first; 0 stands for NULL. */
@Platform(include = "wp/cross_entropy.h", link = "weakpair_cpu")
public final class CpuCrossEntropy {
    static { NativeLoader.load(CpuCrossEntropy.class); }

    private CpuCrossEntropy() {}

    /** Returns the first row with an out-of-range target, or -1. */
    public static native @Cast("int64_t") long wp_cross_entropy_forward(int dtype, long rows, long classes,
            @Cast("const void*") long logits, @Cast("const int32_t*") long targets, int ignoreIndex,
            @Cast("void*") long loss, @Cast("void*") long lse);

    public static native void wp_cross_entropy_backward(int dtype, long rows, long classes,
            @Cast("const void*") long logits, @Cast("const int32_t*") long targets, int ignoreIndex,
            @Cast("const void*") long lse, @Cast("const void*") long gloss, @Cast("void*") long glogits);

    public static native void wp_soft_cross_entropy_forward(int dtype, long rows, long classes,
            @Cast("const void*") long logits, @Cast("const void*") long q, @Cast("void*") long loss,
            @Cast("void*") long lse);

    public static native void wp_soft_cross_entropy_backward(int dtype, long rows, long classes,
            @Cast("const void*") long logits, @Cast("const void*") long q, @Cast("const void*") long lse,
            @Cast("const void*") long gloss, @Cast("void*") long glogits, @Cast("void*") long gq);
}
