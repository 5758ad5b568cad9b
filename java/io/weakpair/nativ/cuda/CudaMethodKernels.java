package io.weakpair.nativ.cuda;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * Bindings for the method kernels of libweakpair_cuda: cuda/include/wpc/similarity.h,
 * uncertainty.h, contrastive.h and mining.h (device pointers, workspaces and a stream as longs).
 */
@Platform(include = {"wpc/similarity.h", "wpc/uncertainty.h", "wpc/contrastive.h", "wpc/mining.h"}, link = "weakpair_cuda")
public final class CudaMethodKernels {
    static { CudaNativeLoader.load(CudaMethodKernels.class); }

    private CudaMethodKernels() {}

    public static native void wpc_similarity_normalize(int dtype, long rows, long dim, @Cast("const void*") long x,
            @Cast("void*") long unit, @Cast("void*") long den, @Cast("cudaStream_t") long stream);

    public static native void wpc_similarity_normalize_backward(int dtype, long rows, long dim,
            @Cast("const void*") long unit, @Cast("const void*") long den, @Cast("const void*") long gu,
            @Cast("void*") long gx, @Cast("cudaStream_t") long stream);

    public static native long wpc_similarity_dtau_workspace_bytes(long n);

    public static native void wpc_similarity_dtau(int dtype, long n, @Cast("const void*") long logits,
            @Cast("const void*") long gradLogits, double tau, @Cast("void*") long gradTau, @Cast("void*") long workspace,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_uncertainty_confidence(int dtype, long nRows, long nCols, @Cast("const void*") long logits,
            @Cast("const int64_t*") long rowLabels, @Cast("const int64_t*") long colLabels, @Cast("void*") long confI2t,
            @Cast("void*") long confT2i, @Cast("cudaStream_t") long stream);

    public static native long wpc_contrastive_logits_workspace_bytes(int dtype, long nRows, long nCols);

    public static native void wpc_contrastive_logits(int dtype, long nRows, long nCols, @Cast("const void*") long logits,
            @Cast("const int64_t*") long rowLabels, @Cast("const int64_t*") long colLabels, double alpha,
            @Cast("const void*") long confI2t, @Cast("const void*") long confT2i, @Cast("void*") long losses,
            @Cast("void*") long gradLogits, @Cast("void*") long workspace, @Cast("cudaStream_t") long stream);

    public static native long wpc_contrastive_auto_block_rows(int dtype, long nRows, long nCols, long dim);

    public static native long wpc_contrastive_tiled_workspace_bytes(int dtype, long nRows, long nCols);

    public static native void wpc_contrastive_tiled_begin(int dtype, long nRows, long nCols, @Cast("void*") long workspace,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_contrastive_tiled_add_block(int dtype, long nRows, long nCols, long row0, long rows,
            @Cast("const void*") long logitsBlock, @Cast("const int64_t*") long rowLabels,
            @Cast("const int64_t*") long colLabels, double alpha, @Cast("const void*") long confI2t,
            @Cast("const void*") long confT2i, @Cast("void*") long workspace, @Cast("cudaStream_t") long stream);

    public static native void wpc_contrastive_tiled_finish(int dtype, long nRows, long nCols,
            @Cast("const int64_t*") long rowLabels, @Cast("const int64_t*") long colLabels, double alpha,
            @Cast("const void*") long confT2i, @Cast("void*") long losses, @Cast("void*") long workspace,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_contrastive_tiled_grad_block(int dtype, long nRows, long nCols, long row0, long rows,
            @Cast("void*") long logitsBlock, @Cast("const int64_t*") long rowLabels, @Cast("const int64_t*") long colLabels,
            double alpha, @Cast("const void*") long confI2t, @Cast("const void*") long confT2i,
            @Cast("void*") long workspace, @Cast("cudaStream_t") long stream);

    public static native void wpc_contrastive_tiled_grad_tau(int dtype, long nRows, long nCols, double tau,
            @Cast("void*") long gradTau, @Cast("void*") long workspace, @Cast("cudaStream_t") long stream);

    public static native long wpc_mining_hard_negatives_workspace_bytes(int dtype, long n);

    public static native long wpc_mining_weak_positives_workspace_bytes(int dtype, long n);

    public static native void wpc_mining_hard_negatives(int dtype, long n, @Cast("const void*") long logits,
            @Cast("const int64_t*") long labels, int mode, @Cast("uint64_t") long seed, @Cast("int32_t*") long hardNegText,
            @Cast("int32_t*") long hardNegImage, @Cast("void*") long workspace, long workspaceBytes,
            @Cast("cudaStream_t") long stream);

    public static native void wpc_mining_weak_positives(int dtype, long n, @Cast("const void*") long logits,
            @Cast("const int64_t*") long labels, int mode, @Cast("uint64_t") long seed, @Cast("int32_t*") long weakPosText,
            @Cast("void*") long workspace, long workspaceBytes, @Cast("cudaStream_t") long stream);
}
