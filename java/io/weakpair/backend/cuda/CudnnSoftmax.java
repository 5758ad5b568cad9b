package io.weakpair.backend.cuda;

import static org.bytedeco.cuda.global.cudnn.*;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * Row softmax and log-softmax through cuDNN's softmax (legacy API, mode INSTANCE over an
 * [rows, cols, 1, 1] NCHW tensor), on the backend's stream. cuDNN's other candidates for this
 * engine (layer norm, fused attention) live in its graph API, whose C++ front end the JavaCPP
 * preset does not carry; see bench/gpu/README.md.
 */
final class CudnnSoftmax {
    private final cudnnContext handle = new cudnnContext();
    private final cudnnTensorStruct desc = new cudnnTensorStruct();
    private final FloatPointer oneF = new FloatPointer(1f), zeroF = new FloatPointer(0f);
    private final DoublePointer oneD = new DoublePointer(1.0), zeroD = new DoublePointer(0.0);

    /** Loads cuDNN and makes a handle on the backend's stream; throws (LinkageError, IllegalStateException) when it cannot. */
    CudnnSoftmax(CudaBackend backend) {
        Loader.load(cudnn.class);
        check(cudnnCreate(handle), "cudnnCreate");
        check(cudnnSetStream(handle, new CUstream_st(DevicePointers.raw(backend.stream()))), "cudnnSetStream");
        check(cudnnCreateTensorDescriptor(desc), "cudnnCreateTensorDescriptor");
    }

    static String version() {
        return Long.toString(cudnnGetVersion());
    }

    private static void check(int status, String what) {
        if (status != 0)
            throw new IllegalStateException(
                    "cuDNN: " + what + " failed: " + cudnnGetErrorString(status).getString());
    }

    /** True when the tensor fits cuDNN's 32-bit descriptor dimensions. */
    static boolean fits(long rows, long cols) {
        return rows <= Integer.MAX_VALUE && cols <= Integer.MAX_VALUE && rows * cols <= Integer.MAX_VALUE;
    }

    private void describe(DType dtype, long rows, long cols) {
        check(
                cudnnSetTensor4dDescriptor(
                        desc,
                        CUDNN_TENSOR_NCHW,
                        dtype == DType.F64 ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT,
                        (int) rows,
                        (int) cols,
                        1,
                        1),
                "cudnnSetTensor4dDescriptor");
    }

    private Pointer one(DType dtype) {
        return dtype == DType.F64 ? oneD : oneF;
    }

    private Pointer zero(DType dtype) {
        return dtype == DType.F64 ? zeroD : zeroF;
    }

    synchronized void softmaxForward(Tensor x, Tensor y, long rows, long cols, boolean log) {
        describe(x.dtype(), rows, cols);
        check(
                cudnnSoftmaxForward(
                        handle,
                        log ? CUDNN_SOFTMAX_LOG : CUDNN_SOFTMAX_ACCURATE,
                        CUDNN_SOFTMAX_MODE_INSTANCE,
                        one(x.dtype()),
                        desc,
                        DevicePointers.raw(x.address()),
                        zero(x.dtype()),
                        desc,
                        DevicePointers.raw(y.address())),
                "cudnnSoftmaxForward");
    }

    synchronized void softmaxBackward(Tensor y, Tensor gy, Tensor gx, long rows, long cols, boolean log) {
        describe(y.dtype(), rows, cols);
        check(
                cudnnSoftmaxBackward(
                        handle,
                        log ? CUDNN_SOFTMAX_LOG : CUDNN_SOFTMAX_ACCURATE,
                        CUDNN_SOFTMAX_MODE_INSTANCE,
                        one(y.dtype()),
                        desc,
                        DevicePointers.raw(y.address()),
                        desc,
                        DevicePointers.raw(gy.address()),
                        zero(y.dtype()),
                        desc,
                        DevicePointers.raw(gx.address())),
                "cudnnSoftmaxBackward");
    }
}
