package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/embedding.h. Callers validate shapes first. */
@Platform(include = "wp/embedding.h", link = "weakpair_cpu")
public final class CpuEmbedding {
    static { NativeLoader.load(CpuEmbedding.class); }

    private CpuEmbedding() {}

    /** Returns the first position with an id outside [0, vocab), or -1 (then nothing was written). */
    public static native @Cast("int64_t") long wp_embedding_forward(int dtype, long vocab, long dim,
            @Cast("const void*") long table, long n, @Cast("const int32_t*") long ids, @Cast("void*") long out);

    public static native void wp_embedding_backward(int dtype, long vocab, long dim, long n,
            @Cast("const int32_t*") long ids, @Cast("const void*") long gy, @Cast("void*") long gtable);
}
