package io.weakpair.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for native/include/wp/patchify.h. Callers validate shapes first. */
@Platform(include = "wp/patchify.h", link = "weakpair_cpu")
public final class CpuPatchify {
    static { NativeLoader.load(CpuPatchify.class); }

    private CpuPatchify() {}

    public static native void wp_patchify(int dtype, long batch, long channels, long height, long width, long patch,
            @Cast("const void*") long images, @Cast("void*") long patches);

    public static native void wp_unpatchify(int dtype, long batch, long channels, long height, long width, long patch,
            @Cast("const void*") long patches, @Cast("void*") long images);
}
