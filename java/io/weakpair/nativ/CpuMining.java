package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/mining.h: group-wise hard negatives and weak positives. */
@Platform(include = "wp/mining.h", link = "weakpair_cpu")
public final class CpuMining {
    static { NativeLoader.load(CpuMining.class); }

    private CpuMining() {}

    public static native void wp_mining_hard_negatives(int dtype, long n, @Cast("const void*") long logits,
            @Cast("const int64_t*") long labels, int mode, @Cast("uint64_t") long seed,
            @Cast("int32_t*") long hardNegText, @Cast("int32_t*") long hardNegImage);

    public static native void wp_mining_weak_positives(int dtype, long n, @Cast("const void*") long logits,
            @Cast("const int64_t*") long labels, int mode, @Cast("uint64_t") long seed,
            @Cast("int32_t*") long weakPosText);

    public static native double wp_mining_uniform(@Cast("uint64_t") long seed, @Cast("uint64_t") long stream,
            @Cast("uint64_t") long a, @Cast("uint64_t") long b);
}
