package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for cuda/include/wpc/patchify.h (device pointers and a stream as longs). */
@Platform(include = "wpc/patchify.h", link = "weakpair_cuda")
public final class CudaPatchify {
    static { CudaNativeLoader.load(CudaPatchify.class); }

    private CudaPatchify() {}

    public static native void wpc_patchify(int dtype, long batch, long channels, long height, long width, long patch,
            @Cast("const void*") long images, @Cast("void*") long patches, @Cast("cudaStream_t") long stream);

    public static native void wpc_unpatchify(int dtype, long batch, long channels, long height, long width, long patch,
            @Cast("const void*") long patches, @Cast("void*") long images, @Cast("cudaStream_t") long stream);
}
