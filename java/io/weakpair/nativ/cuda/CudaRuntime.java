package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * Bindings for cuda/include/wpc/runtime.h: device queries, memory, streams, events, fills,
 * strided copies and casts. Pointers are device addresses as longs; streams are cudaStream_t
 * handles as longs. Callers validate arguments first.
 */
@Platform(include = "wpc/runtime.h", link = "weakpair_cuda")
public final class CudaRuntime {
    static { CudaNativeLoader.load(CudaRuntime.class); }

    private CudaRuntime() {}

    public static native int wpc_device_count();

    public static native @Cast("const char*") BytePointer wpc_error_string(int code);

    public static native @Cast("const char*") BytePointer wpc_build_archs();

    public static native int wpc_is_gpu_build();

    public static native void wpc_set_device(int device);

    public static native @Cast("intptr_t") long wpc_malloc(long bytes);

    public static native void wpc_free(@Cast("void*") long ptr);

    public static native void wpc_memcpy(@Cast("void*") long dst, @Cast("const void*") long src, long bytes,
            @Cast("cudaStream_t") long stream);

    // Synchronous copies between Java arrays and device memory (JavaCPP pins or copies the array).
    public static native void wpc_memcpy(@Cast("void*") long dst, @Cast("const void*") float[] src, long bytes,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_memcpy(@Cast("void*") long dst, @Cast("const void*") double[] src, long bytes,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_memcpy(@Cast("void*") long dst, @Cast("const void*") int[] src, long bytes,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_memcpy(@Cast("void*") long dst, @Cast("const void*") long[] src, long bytes,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_memcpy(@Cast("void*") long dst, @Cast("const void*") byte[] src, long bytes,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_memcpy(@Cast("void*") float[] dst, @Cast("const void*") long src, long bytes,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_memcpy(@Cast("void*") double[] dst, @Cast("const void*") long src, long bytes,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_memcpy(@Cast("void*") int[] dst, @Cast("const void*") long src, long bytes,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_memcpy(@Cast("void*") long[] dst, @Cast("const void*") long src, long bytes,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_memcpy(@Cast("void*") byte[] dst, @Cast("const void*") long src, long bytes,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_memcpy_async(@Cast("void*") long dst, @Cast("const void*") long src, long bytes,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_memset_async(@Cast("void*") long dst, int value, long bytes,
            @Cast("cudaStream_t") long stream);

    public static native @Cast("intptr_t") long wpc_stream_create();

    public static native void wpc_stream_destroy(@Cast("cudaStream_t") long stream);

    public static native void wpc_stream_synchronize(@Cast("cudaStream_t") long stream);

    public static native @Cast("intptr_t") long wpc_event_create();

    public static native void wpc_event_destroy(@Cast("void*") long event);

    public static native void wpc_event_record(@Cast("void*") long event, @Cast("cudaStream_t") long stream);

    public static native float wpc_event_elapsed_ms(@Cast("void*") long start, @Cast("void*") long end);

    public static native void wpc_device_info(int device, @Cast("char*") byte[] name, int nameBytes,
            @Cast("int64_t*") long[] info);

    public static native void wpc_fill(int dtype, @Cast("void*") long dst, long n, double value,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_copy_strided(int dtype, int ndim, @Cast("const int64_t*") long[] shape,
            @Cast("const void*") long src, @Cast("const int64_t*") long[] srcStrides,
            @Cast("void*") long dst, @Cast("const int64_t*") long[] dstStrides, @Cast("cudaStream_t") long stream);

    public static native void wpc_cast(int srcDtype, @Cast("const void*") long src, int dstDtype,
            @Cast("void*") long dst, long n, @Cast("cudaStream_t") long stream);

    public static native void wpc_has_nonfinite(int dtype, @Cast("const void*") long src, long n,
            @Cast("int32_t*") long flag, @Cast("cudaStream_t") long stream);
}
