package io.weakpair.backend.cuda;

import static org.bytedeco.cuda.global.cublas.*;

import io.weakpair.tensor.DType;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;

/**
 * GEMM through cuBLAS (JavaCPP presets, which load the system's libcublas.so.13 and
 * libcudart.so.13). Row-major products become column-major ones by swapping the operands:
 * C^T = op(B)^T op(A)^T, where a row-major matrix read column-major is its transpose. The
 * handle works on the backend's stream with a workspace from the backend's allocator, so
 * cuBLAS makes no allocations of its own after the first call. F32 products are exact FP32
 * unless TF32 is enabled.
 */
final class CublasGemm implements GemmEngine {
    private final CudaMemory backend;
    private final cublasContext handle = new cublasContext();
    private final FloatPointer alphaF = new FloatPointer(1), betaF = new FloatPointer(1);
    private final DoublePointer alphaD = new DoublePointer(1), betaD = new DoublePointer(1);
    private final DevicePointers.Floats fa = new DevicePointers.Floats(),
            fb = new DevicePointers.Floats(),
            fc = new DevicePointers.Floats();
    private final DevicePointers.Doubles da = new DevicePointers.Doubles(),
            db = new DevicePointers.Doubles(),
            dc = new DevicePointers.Doubles();

    /** Loads cuBLAS and creates a handle on the backend's stream; throws (a LinkageError or IllegalStateException) when it cannot. */
    CublasGemm(CudaMemory backend, long workspace, long workspaceBytes) {
        this.backend = backend;
        Loader.load(cublas.class);
        check(cudart.cudaSetDevice(backend.index()), "cudaSetDevice");
        check(cublasCreate_v2(handle), "cublasCreate");
        check(cublasSetStream_v2(handle, new CUstream_st(DevicePointers.raw(backend.stream()))), "cublasSetStream");
        check(cublasSetWorkspace_v2(handle, DevicePointers.raw(workspace), workspaceBytes), "cublasSetWorkspace");
        check(cublasSetMathMode(handle, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
    }

    private static void check(int status, String what) {
        if (status != 0) {
            String text;
            try {
                text = what.startsWith("cuda")
                        ? cudart.cudaGetErrorString(status).getString()
                        : cublasGetStatusString(status).getString();
            } catch (RuntimeException | LinkageError e) {
                text = "status " + status;
            }
            throw new IllegalStateException("cuBLAS: " + what + " failed: " + text);
        }
    }

    @Override
    public String name() {
        return "cuBLAS";
    }

    @Override
    public synchronized void setTf32(boolean enabled) {
        check(
                cublasSetMathMode(handle, enabled ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH),
                "cublasSetMathMode");
    }

    private static int i32(long v, String what) {
        if (v > Integer.MAX_VALUE)
            throw new IllegalArgumentException("gemm: " + what + " " + v + " exceeds cuBLAS's 32-bit range");
        return (int) v;
    }

    @Override
    public synchronized void gemm(
            int dtype,
            boolean transA,
            boolean transB,
            long batch,
            long m,
            long n,
            long k,
            double alpha,
            long a,
            long lda,
            long strideA,
            long b,
            long ldb,
            long strideB,
            double beta,
            long c,
            long ldc,
            long strideC) {
        backend.stream(); // makes the device current where there are several
        // Column-major view: C^T (n x m) = op(B)^T (n x k) * op(A)^T (k x m).
        int opB = transB ? CUBLAS_OP_T : CUBLAS_OP_N, opA = transA ? CUBLAS_OP_T : CUBLAS_OP_N;
        int cm = i32(n, "n"), cn = i32(m, "m"), ck = i32(k, "k");
        int ldB = i32(ldb, "ldb"), ldA = i32(lda, "lda"), ldC = i32(ldc, "ldc"), count = i32(batch, "batch");
        int status;
        if (dtype == DType.F32.code()) {
            alphaF.put((float) alpha);
            betaF.put((float) beta);
            status = batch == 1
                    ? cublasSgemm_v2(
                            handle, opB, opA, cm, cn, ck, alphaF, fb.at(b), ldB, fa.at(a), ldA, betaF, fc.at(c), ldC)
                    : cublasSgemmStridedBatched(
                            handle, opB, opA, cm, cn, ck, alphaF, fb.at(b), ldB, strideB, fa.at(a), ldA, strideA, betaF,
                            fc.at(c), ldC, strideC, count);
        } else if (dtype == DType.F64.code()) {
            alphaD.put(alpha);
            betaD.put(beta);
            status = batch == 1
                    ? cublasDgemm_v2(
                            handle, opB, opA, cm, cn, ck, alphaD, db.at(b), ldB, da.at(a), ldA, betaD, dc.at(c), ldC)
                    : cublasDgemmStridedBatched(
                            handle, opB, opA, cm, cn, ck, alphaD, db.at(b), ldB, strideB, da.at(a), ldA, strideA, betaD,
                            dc.at(c), ldC, strideC, count);
        } else {
            throw new IllegalArgumentException("gemm: dtype code " + dtype + " is not F32 or F64");
        }
        check(status, "gemm");
    }
}
