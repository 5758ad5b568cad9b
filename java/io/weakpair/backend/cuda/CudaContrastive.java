package io.weakpair.backend.cuda;

import io.weakpair.backend.MiningMode;
import io.weakpair.backend.checks.ContrastiveChecks;
import io.weakpair.backend.checks.MiningChecks;
import io.weakpair.nativ.cuda.CudaKernels;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/**
 * The fused uITC loss and the mining kernels of one CUDA device (docs/method.md sections 3-4),
 * behind {@link CudaBackend#contrastiveFused}, {@link CudaBackend#mineHardNegatives} and
 * {@link CudaBackend#mineWeakPositives}.
 *
 * <p>The loss takes the path the caller chose, as on the CPU: {@code keepLogits} keeps S and
 * dS whole (the backend's similarity and materialised-loss kernels, 2 N_r N_c values);
 * otherwise S is computed one block of {@code blockRows} rows at a time (0: the GPU's
 * automatic size, {@code wpc_contrastive_auto_block_rows}) by a GEMM, twice, and never stored
 * whole: besides the features and gradients the device holds one block of S and O(N_r + N_c)
 * statistics. The products run on the device's GEMM engine (cuBLAS, or the built-in kernel).
 *
 * <p>Mining keeps each group's lists in shared memory while they fit the device's per-block
 * limit, else in a workspace taken from the allocator (its size is asked of the kernels).
 */
final class CudaContrastive {
    private final CudaBackend backend;
    private final CachingAllocator allocator;
    private final GemmEngine gemm;

    CudaContrastive(CudaBackend backend, CachingAllocator allocator, GemmEngine gemm) {
        this.backend = backend;
        this.allocator = allocator;
        this.gemm = gemm;
    }

    void fused(
            Tensor featRows,
            Tensor featCols,
            double tau,
            Tensor rowLabels,
            Tensor colLabels,
            double alpha,
            Tensor confI2t,
            Tensor confT2i,
            boolean keepLogits,
            long blockRows,
            Tensor losses,
            Tensor gradRows,
            Tensor gradCols,
            Tensor gradTau) {
        ContrastiveChecks.fused(
                backend.device(),
                featRows,
                featCols,
                tau,
                rowLabels,
                colLabels,
                confI2t,
                confT2i,
                blockRows,
                losses,
                gradRows,
                gradCols,
                gradTau);
        if (keepLogits) {
            materialised(
                    featRows, featCols, tau, rowLabels, colLabels, alpha, confI2t, confT2i, losses, gradRows, gradCols,
                    gradTau);
            return;
        }
        DType dt = featRows.dtype();
        long nr = featRows.dim(0), nc = featCols.dim(0), dim = featRows.dim(1);
        if (nr == 0 || nc == 0 || dim == 0) return;
        tiled(
                dt, nr, nc, dim, featRows, featCols, tau, rowLabels, colLabels, alpha, confI2t, confT2i, blockRows,
                losses, gradRows, gradCols, gradTau);
    }

    /** S and dS whole: the backend's similarity kernels around the loss on materialised logits. */
    private void materialised(
            Tensor featRows,
            Tensor featCols,
            double tau,
            Tensor rowLabels,
            Tensor colLabels,
            double alpha,
            Tensor confI2t,
            Tensor confT2i,
            Tensor losses,
            Tensor gradRows,
            Tensor gradCols,
            Tensor gradTau) {
        DType dt = featRows.dtype();
        Device d = backend.device();
        int nr = (int) featRows.dim(0), nc = (int) featCols.dim(0), dim = (int) featRows.dim(1);
        try (Tensor unitRows = Tensor.empty(dt, d, nr, dim);
                Tensor unitCols = Tensor.empty(dt, d, nc, dim);
                Tensor normRows = Tensor.empty(dt, d, nr);
                Tensor normCols = Tensor.empty(dt, d, nc);
                Tensor logits = Tensor.empty(dt, d, nr, nc)) {
            backend.similarityForward(featRows, featCols, tau, unitRows, unitCols, normRows, normCols, logits);
            boolean grads = gradRows != null || gradCols != null || gradTau != null;
            try (Tensor dS = grads ? Tensor.empty(dt, d, nr, nc) : null) {
                backend.contrastiveLogits(logits, rowLabels, colLabels, alpha, confI2t, confT2i, losses, dS);
                if (grads)
                    backend.similarityBackward(
                            unitRows, unitCols, normRows, normCols, tau, logits, dS, gradRows, gradCols, gradTau);
            }
        }
    }

    /**
     * Pass 1: each block of S by GEMM, its rows' and (running) columns' statistics; the loss.
     * Pass 2 (gradients wanted): each block again, turned into dS in place, then
     * dF[block] = (1/tau) dS g and dG += (1/tau) dS^T f[block]; dtau from the rows' sums of
     * dS * S; dF, dG through the normalisation at the end.
     */
    private void tiled(
            DType dt,
            long nr,
            long nc,
            long dim,
            Tensor featRows,
            Tensor featCols,
            double tau,
            Tensor rowLabels,
            Tensor colLabels,
            double alpha,
            Tensor confI2t,
            Tensor confT2i,
            long blockRows,
            Tensor losses,
            Tensor gradRows,
            Tensor gradCols,
            Tensor gradTau) {
        int code = dt.code();
        long t = dt.byteSize();
        long br = Math.min(
                nr, blockRows > 0 ? blockRows : CudaKernels.wpc_contrastive_auto_block_rows(code, nr, nc, dim));
        long rl = addr(rowLabels), cl = addr(colLabels), ci = addr(confI2t), ct = addr(confT2i);
        double invTau = dt == DType.F32 ? (float) (1.0 / tau) : 1.0 / tau;
        long s = backend.stream();
        long f = allocator.allocate(t * nr * dim), g = allocator.allocate(t * nc * dim);
        long normR = allocator.allocate(t * nr), normC = allocator.allocate(t * nc);
        long ws = allocator.allocate(CudaKernels.wpc_contrastive_tiled_workspace_bytes(code, nr, nc));
        long block = allocator.allocate(t * br * nc);
        try {
            CudaKernels.wpc_similarity_normalize(code, nr, dim, featRows.address(), f, normR, s);
            CudaKernels.wpc_similarity_normalize(code, nc, dim, featCols.address(), g, normC, s);
            CudaKernels.wpc_contrastive_tiled_begin(code, nr, nc, ws, s);
            for (long i0 = 0; i0 < nr; i0 += br) {
                long rows = Math.min(br, nr - i0);
                gemm.gemm(
                        code,
                        false,
                        true,
                        1,
                        rows,
                        nc,
                        dim,
                        invTau,
                        f + t * i0 * dim,
                        dim,
                        0,
                        g,
                        dim,
                        0,
                        0,
                        block,
                        nc,
                        0);
                CudaKernels.wpc_contrastive_tiled_add_block(
                        code, nr, nc, i0, rows, block, rl, cl, alpha, ci, ct, ws, s);
            }
            CudaKernels.wpc_contrastive_tiled_finish(code, nr, nc, rl, cl, alpha, ct, losses.address(), ws, s);
            if (gradRows == null && gradCols == null && gradTau == null) return;
            for (long i0 = 0; i0 < nr; i0 += br) {
                long rows = Math.min(br, nr - i0);
                long fBlock = f + t * i0 * dim;
                gemm.gemm(code, false, true, 1, rows, nc, dim, invTau, fBlock, dim, 0, g, dim, 0, 0, block, nc, 0);
                CudaKernels.wpc_contrastive_tiled_grad_block(
                        code, nr, nc, i0, rows, block, rl, cl, alpha, ci, ct, ws, s);
                if (gradRows != null)
                    gemm.gemm(
                            code,
                            false,
                            false,
                            1,
                            rows,
                            dim,
                            nc,
                            invTau,
                            block,
                            nc,
                            0,
                            g,
                            dim,
                            0,
                            0,
                            gradRows.address() + t * i0 * dim,
                            dim,
                            0);
                if (gradCols != null)
                    gemm.gemm(
                            code,
                            true,
                            false,
                            1,
                            nc,
                            dim,
                            rows,
                            invTau,
                            block,
                            nc,
                            0,
                            fBlock,
                            dim,
                            0,
                            i0 == 0 ? 0 : 1,
                            gradCols.address(),
                            dim,
                            0);
            }
            if (gradTau != null)
                CudaKernels.wpc_contrastive_tiled_grad_tau(code, nr, nc, tau, gradTau.address(), ws, s);
            if (gradRows != null)
                CudaKernels.wpc_similarity_normalize_backward(
                        code, nr, dim, f, normR, gradRows.address(), gradRows.address(), s);
            if (gradCols != null)
                CudaKernels.wpc_similarity_normalize_backward(
                        code, nc, dim, g, normC, gradCols.address(), gradCols.address(), s);
        } finally { // freed in stream order: the allocator reuses them only for later work on this stream
            for (long p : new long[] {f, g, normR, normC, ws, block}) allocator.free(p);
        }
    }

    void mineHardNegatives(
            Tensor logits, Tensor labels, MiningMode mode, long seed, Tensor hardNegText, Tensor hardNegImage) {
        long n = MiningChecks.hardNegatives(backend.device(), logits, labels, mode, hardNegText, hardNegImage);
        int code = logits.dtype().code();
        long bytes = CudaKernels.wpc_mining_hard_negatives_workspace_bytes(code, n);
        long ws = bytes > 0 ? allocator.allocate(bytes) : 0;
        try {
            CudaKernels.wpc_mining_hard_negatives(
                    code,
                    n,
                    logits.address(),
                    labels.address(),
                    mode.code(),
                    seed,
                    hardNegText.address(),
                    hardNegImage.address(),
                    ws,
                    bytes,
                    backend.stream());
        } finally {
            if (ws != 0) allocator.free(ws);
        }
    }

    void mineWeakPositives(Tensor logits, Tensor labels, MiningMode mode, long seed, Tensor weakPosText) {
        long n = MiningChecks.weakPositives(backend.device(), logits, labels, mode, weakPosText);
        int code = logits.dtype().code();
        long bytes = CudaKernels.wpc_mining_weak_positives_workspace_bytes(code, n);
        long ws = bytes > 0 ? allocator.allocate(bytes) : 0;
        try {
            CudaKernels.wpc_mining_weak_positives(
                    code,
                    n,
                    logits.address(),
                    labels.address(),
                    mode.code(),
                    seed,
                    weakPosText.address(),
                    ws,
                    bytes,
                    backend.stream());
        } finally {
            if (ws != 0) allocator.free(ws);
        }
    }

    private static long addr(Tensor t) {
        return t == null ? 0 : t.address();
    }
}
