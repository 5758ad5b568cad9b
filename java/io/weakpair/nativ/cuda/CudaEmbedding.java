package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/** Bindings for cuda/include/wpc/embedding.h (device pointers and a stream as longs). */
@Platform(include = "wpc/embedding.h", link = "weakpair_cuda")
public final class CudaEmbedding {
    static { CudaNativeLoader.load(CudaEmbedding.class); }

    private CudaEmbedding() {}

    public static native void wpc_embedding_forward(int dtype, long vocab, long dim, @Cast("const void*") long table, long n,
            @Cast("const int32_t*") long ids, @Cast("void*") long out, @Cast("int64_t*") long firstBad,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_embedding_backward(int dtype, long vocab, long dim, long n, @Cast("const int32_t*") long ids,
            @Cast("const void*") long gy, @Cast("void*") long gtable, @Cast("cudaStream_t") long stream);
}
