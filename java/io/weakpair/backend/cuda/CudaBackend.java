package io.weakpair.backend.cuda;

import io.weakpair.backend.BinaryOp;
import io.weakpair.backend.MiningMode;
import io.weakpair.backend.UnaryOp;
import io.weakpair.backend.checks.AdamWChecks;
import io.weakpair.backend.checks.AttentionChecks;
import io.weakpair.backend.checks.ContrastiveChecks;
import io.weakpair.backend.checks.CrossEntropyChecks;
import io.weakpair.backend.checks.DropoutChecks;
import io.weakpair.backend.checks.ElementwiseChecks;
import io.weakpair.backend.checks.EmbeddingChecks;
import io.weakpair.backend.checks.GemmChecks;
import io.weakpair.backend.checks.KernelArgs;
import io.weakpair.backend.checks.L2NormChecks;
import io.weakpair.backend.checks.LayerNormChecks;
import io.weakpair.backend.checks.PatchifyChecks;
import io.weakpair.backend.checks.SimilarityChecks;
import io.weakpair.backend.checks.SoftmaxChecks;
import io.weakpair.backend.checks.UncertaintyChecks;
import io.weakpair.nativ.cuda.CudaKernels;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;
import java.util.Locale;

/**
 * The kernels of one CUDA device: hand-written kernels from libweakpair_cuda (cuda/) and the
 * method's compositions. The rest lives beside it, one concern per file: device memory, the
 * stream and transfers in {@link CudaMemory} (this class's base), which GEMM runs (cuBLAS or
 * the built-in kernel) in {@link CudaGemms}, the softmax choice in {@link SoftmaxImpl} /
 * {@link CudnnSoftmax}, and each kernel family's argument checks, shared with the CPU backend,
 * in {@code io.weakpair.backend.checks}. Every kernel, copy and cuBLAS call of the device is
 * queued on one stream, so they run in the order they were issued and freed memory can be
 * reused at once; reading a result back (download, {@link #sumSquares}) waits for the stream.
 */
public final class CudaBackend extends CudaMemory {
    private final CudaGemms gemms;
    private volatile SoftmaxImpl softmaxImpl = SoftmaxImpl.BUILTIN;
    private CudnnSoftmax cudnn; // created on first selection of SoftmaxImpl.CUDNN
    private final CudaContrastive contrastive;

    CudaBackend(int index, boolean emulated, boolean multiDevice) {
        super(index, emulated, multiDevice);
        this.gemms = new CudaGemms(this);
        this.contrastive = new CudaContrastive(this, allocator, gemms.chosen());
        setTf32(Boolean.getBoolean("weakpair.cuda.tf32")
                || io.weakpair.config.Environment.current().tf32());
        if ("cudnn".equalsIgnoreCase(System.getProperty("weakpair.cuda.softmax", ""))) {
            try {
                setSoftmaxImpl(SoftmaxImpl.CUDNN);
            } catch (IllegalStateException e) {
                System.err.println("weakpair: " + e.getMessage() + "; using the built-in softmax kernel");
            }
        }
    }

    // ------------------------------------------------------------------ CUDA-specific API

    /** Lets F32 GEMMs use TF32 tensor cores (10-bit mantissa products). Off by default. */
    public void setTf32(boolean enabled) {
        gemms.setTf32(enabled);
    }

    public boolean tf32() {
        return gemms.tf32();
    }

    /**
     * Chooses the softmax implementation (see {@link SoftmaxImpl}); throws IllegalStateException
     * with the reason when cuDNN cannot be loaded here (the CPU emulator never has it).
     */
    public synchronized void setSoftmaxImpl(SoftmaxImpl impl) {
        if (impl == SoftmaxImpl.CUDNN && cudnn == null) {
            if (emulated) throw new IllegalStateException(device + ": cuDNN is not available on the CPU emulator");
            try {
                cudnn = new CudnnSoftmax(this);
            } catch (LinkageError | RuntimeException e) {
                throw new IllegalStateException(device + ": cuDNN unavailable: " + e.getMessage(), e);
            }
        }
        softmaxImpl = impl;
    }

    public SoftmaxImpl softmaxImpl() {
        return softmaxImpl;
    }

    /** "cuBLAS" or "built-in kernel (why)". */
    public String gemmEngine() {
        return gemms.note();
    }

    /** Restarts {@link CudaMemoryStats#peakLiveBytes} at the bytes in use now. */
    public void resetPeakLiveBytes() {
        allocator.resetPeakLive();
    }

    // ------------------------------------------------------------------ Backend

    @Override
    public String describe() {
        if (emulated) return device + " (CPU emulator of the CUDA kernels, for tests; GEMM: " + gemms.note() + ")";
        return String.format(
                Locale.ROOT,
                "%s (%s, %d SMs, sm_%d%d, %.1f GiB, driver %d.%d, kernels built for sm %s; GEMM: %s, %s; softmax: %s)",
                device,
                deviceName(),
                info[2],
                info[3],
                info[4],
                info[0] / (double) (1L << 30),
                info[5] / 1000,
                (info[5] % 1000) / 10,
                CudaKernels.wpc_build_archs().getString(),
                gemms.note(),
                gemms.tf32() ? "TF32 on" : "FP32",
                softmaxImpl == SoftmaxImpl.CUDNN ? "cuDNN " + CudnnSoftmax.version() : "built-in kernel");
    }

    // ------------------------------------------------------------------ generic kernels
    // Each kernel family's argument checks live in io.weakpair.backend.checks, shared with the CPU
    // backend: every tensor open, on this device and dense, and the shape facts the kernel relies
    // on for memory safety, so a wrong call is an exception rather than a device fault.

    @Override
    public void fill(Tensor dst, double value) {
        ElementwiseChecks.fill(device, dst);
        CudaKernels.wpc_fill(dst.dtype().code(), dst.address(), dst.numel(), value, stream());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        ElementwiseChecks.copy(device, src, dst);
        if (src.numel() == 0) return;
        CudaKernels.wpc_copy_strided(
                src.dtype().code(),
                src.rank(),
                longs(src.shape()),
                src.address(),
                src.strides(),
                dst.address(),
                dst.strides(),
                stream());
    }

    @Override
    public void cast(Tensor src, Tensor dst) {
        ElementwiseChecks.cast(device, src, dst);
        CudaKernels.wpc_cast(
                src.dtype().code(), src.address(), dst.dtype().code(), dst.address(), src.numel(), stream());
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        ElementwiseChecks.binary(device, op, a, b, out);
        if (out.numel() == 0) return;
        CudaKernels.wpc_binary(
                op.code(),
                out.dtype().code(),
                out.rank(),
                longs(out.shape()),
                a.address(),
                a.strides(),
                b.address(),
                b.strides(),
                out.address(),
                out.strides(),
                stream());
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor y, double alpha, double beta) {
        ElementwiseChecks.unary(device, op, x, y);
        CudaKernels.wpc_unary(op.code(), x.dtype().code(), x.numel(), x.address(), y.address(), alpha, beta, stream());
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, double alpha) {
        ElementwiseChecks.unaryBackward(device, op, x, y, gy, gx);
        CudaKernels.wpc_unary_backward(
                op.code(),
                gy.dtype().code(),
                gy.numel(),
                addr(x),
                addr(y),
                gy.address(),
                gx.address(),
                alpha,
                stream());
    }

    @Override
    public void biasGelu(Tensor x, Tensor bias, Tensor y) {
        long n = ElementwiseChecks.biasGelu(device, x, bias, y);
        CudaKernels.wpc_bias_gelu(
                x.dtype().code(), KernelArgs.rows(x, n), n, x.address(), bias.address(), y.address(), stream());
    }

    @Override
    public void biasGeluBackward(Tensor x, Tensor bias, Tensor gy, Tensor gx, Tensor gbias) {
        long n = ElementwiseChecks.biasGeluBackward(device, x, bias, gy, gx, gbias);
        int dt = x.dtype().code();
        long rows = KernelArgs.rows(x, n);
        long bytes = gbias == null ? 0 : CudaKernels.wpc_bias_gelu_backward_workspace_bytes(dt, rows, n);
        long ws = bytes > 0 ? workspace(bytes) : 0;
        try {
            CudaKernels.wpc_bias_gelu_backward(
                    dt,
                    rows,
                    n,
                    x.address(),
                    bias.address(),
                    gy.address(),
                    gx.address(),
                    addr(gbias),
                    ws,
                    bytes,
                    stream());
        } finally {
            if (ws != 0) allocator.free(ws); // stream-ordered: the block's next user queues behind this kernel
        }
    }

    @Override
    public void reduceSum(Tensor x, long outer, long axis, long inner, Tensor out, double scale) {
        ElementwiseChecks.reduceSum(device, x, outer, axis, inner, out);
        CudaKernels.wpc_reduce_sum(x.dtype().code(), outer, axis, inner, x.address(), out.address(), scale, stream());
    }

    @Override
    public double sumSquares(Tensor x) {
        ElementwiseChecks.sumSquares(device, x);
        long s = stream();
        CudaKernels.wpc_sum_squares(x.dtype().code(), x.numel(), x.address(), scratch, 0, s);
        double[] out = new double[1];
        countHostRead();
        CudaKernels.wpc_memcpy(out, scratch, 8, s);
        return out[0];
    }

    /**
     * Sum of squares of all elements of several tensors (a gradient norm), with one read-back
     * at the end instead of one per tensor.
     */
    @Override
    public double sumSquares(Iterable<Tensor> tensors) {
        long s = stream();
        CudaKernels.wpc_memset_async(scratch, 0, 8, s);
        for (Tensor x : tensors) {
            ElementwiseChecks.sumSquares(device, x);
            CudaKernels.wpc_sum_squares(x.dtype().code(), x.numel(), x.address(), scratch, 1, s);
        }
        double[] out = new double[1];
        countHostRead();
        CudaKernels.wpc_memcpy(out, scratch, 8, s);
        return out[0];
    }

    @Override
    public boolean hasNonFinite(Tensor x) {
        ElementwiseChecks.hasNonFinite(device, x);
        if (!x.dtype().isFloating()) return false;
        long s = stream();
        CudaKernels.wpc_has_nonfinite(x.dtype().code(), x.address(), x.numel(), scratch + 16, s);
        int[] flag = new int[1];
        countHostRead();
        CudaKernels.wpc_memcpy(flag, scratch + 16, 4, s);
        return flag[0] != 0;
    }

    @Override
    public void gemm(
            boolean transA,
            boolean transB,
            long batch,
            long m,
            long n,
            long k,
            double alpha,
            Tensor a,
            long lda,
            long strideA,
            Tensor b,
            long ldb,
            long strideB,
            double beta,
            Tensor c,
            long ldc,
            long strideC) {
        if (!GemmChecks.gemm(device, transA, transB, batch, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC))
            return;
        gemms.forInner(k)
                .gemm(
                        c.dtype().code(),
                        transA,
                        transB,
                        batch,
                        m,
                        n,
                        k,
                        alpha,
                        a.address(),
                        lda,
                        strideA,
                        b.address(),
                        ldb,
                        strideB,
                        beta,
                        c.address(),
                        ldc,
                        strideC);
    }

    /** The same product through the built-in kernel whatever the engine (tests compare the two). */
    public void gemmBuiltin(
            boolean transA,
            boolean transB,
            long batch,
            long m,
            long n,
            long k,
            double alpha,
            Tensor a,
            long lda,
            long strideA,
            Tensor b,
            long ldb,
            long strideB,
            double beta,
            Tensor c,
            long ldc,
            long strideC) {
        if (!GemmChecks.gemm(device, transA, transB, batch, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC))
            return;
        gemms.builtin()
                .gemm(
                        c.dtype().code(),
                        transA,
                        transB,
                        batch,
                        m,
                        n,
                        k,
                        alpha,
                        a.address(),
                        lda,
                        strideA,
                        b.address(),
                        ldb,
                        strideB,
                        beta,
                        c.address(),
                        ldc,
                        strideC);
    }

    // ------------------------------------------------------------------ neural-network kernels

    @Override
    public void layerNormForward(Tensor x, Tensor gamma, Tensor beta, double eps, Tensor y, Tensor mean, Tensor rstd) {
        long cols = LayerNormChecks.forward(device, x, gamma, beta, y, mean, rstd);
        CudaKernels.wpc_layernorm_forward(
                x.dtype().code(),
                KernelArgs.rows(x, cols),
                cols,
                x.address(),
                addr(gamma),
                addr(beta),
                eps,
                y.address(),
                mean.address(),
                rstd.address(),
                stream());
    }

    @Override
    public void layerNormBackward(
            Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor gy, Tensor gx, Tensor ggamma, Tensor gbeta) {
        long cols = LayerNormChecks.backward(device, x, gamma, mean, rstd, gy, gx, ggamma, gbeta);
        CudaKernels.wpc_layernorm_backward(
                x.dtype().code(),
                KernelArgs.rows(x, cols),
                cols,
                x.address(),
                addr(gamma),
                mean.address(),
                rstd.address(),
                gy.address(),
                addr(gx),
                addr(ggamma),
                addr(gbeta),
                stream());
    }

    @Override
    public void softmaxForward(Tensor x, Tensor y, boolean log) {
        long cols = SoftmaxChecks.forward(device, x, y, log);
        if (cols == 0) return;
        long rows = x.numel() / cols;
        if (softmaxImpl == SoftmaxImpl.CUDNN && CudnnSoftmax.fits(rows, cols))
            cudnn.softmaxForward(x, y, rows, cols, log);
        else
            CudaKernels.wpc_softmax_forward(
                    x.dtype().code(), rows, cols, x.address(), y.address(), log ? 1 : 0, stream());
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gy, Tensor gx, boolean log) {
        long cols = SoftmaxChecks.backward(device, y, gy, gx, log);
        if (cols == 0) return;
        long rows = y.numel() / cols;
        if (softmaxImpl == SoftmaxImpl.CUDNN && CudnnSoftmax.fits(rows, cols))
            cudnn.softmaxBackward(y, gy, gx, rows, cols, log);
        else
            CudaKernels.wpc_softmax_backward(
                    y.dtype().code(), rows, cols, y.address(), gy.address(), gx.address(), log ? 1 : 0, stream());
    }

    @Override
    public long crossEntropyForward(Tensor logits, Tensor targets, int ignoreIndex, Tensor loss, Tensor logSumExp) {
        long classes = CrossEntropyChecks.forward(device, logits, targets, loss, logSumExp);
        long s = stream();
        CudaKernels.wpc_cross_entropy_forward(
                logits.dtype().code(),
                KernelArgs.rows(logits, classes),
                classes,
                logits.address(),
                targets.address(),
                ignoreIndex,
                loss.address(),
                logSumExp.address(),
                scratch,
                s);
        return readScratchLong(s);
    }

    @Override
    public void crossEntropyBackward(
            Tensor logits, Tensor targets, int ignoreIndex, Tensor logSumExp, Tensor gLoss, Tensor glogits) {
        long classes = CrossEntropyChecks.backward(device, logits, targets, logSumExp, gLoss, glogits);
        CudaKernels.wpc_cross_entropy_backward(
                logits.dtype().code(),
                KernelArgs.rows(logits, classes),
                classes,
                logits.address(),
                targets.address(),
                ignoreIndex,
                logSumExp.address(),
                gLoss.address(),
                glogits.address(),
                stream());
    }

    @Override
    public void softCrossEntropyForward(Tensor logits, Tensor q, Tensor loss, Tensor logSumExp) {
        long classes = CrossEntropyChecks.softForward(device, logits, q, loss, logSumExp);
        CudaKernels.wpc_soft_cross_entropy_forward(
                logits.dtype().code(),
                KernelArgs.rows(logits, classes),
                classes,
                logits.address(),
                q.address(),
                loss.address(),
                logSumExp.address(),
                stream());
    }

    @Override
    public void softCrossEntropyBackward(
            Tensor logits, Tensor q, Tensor logSumExp, Tensor gLoss, Tensor glogits, Tensor gq) {
        long classes = CrossEntropyChecks.softBackward(device, logits, q, logSumExp, gLoss, glogits, gq);
        CudaKernels.wpc_soft_cross_entropy_backward(
                logits.dtype().code(),
                KernelArgs.rows(logits, classes),
                classes,
                logits.address(),
                q.address(),
                logSumExp.address(),
                gLoss.address(),
                glogits.address(),
                addr(gq),
                stream());
    }

    @Override
    public long embeddingForward(Tensor table, Tensor ids, Tensor out) {
        EmbeddingChecks.forward(device, table, ids, out);
        long s = stream();
        CudaKernels.wpc_embedding_forward(
                table.dtype().code(),
                table.dim(0),
                table.dim(1),
                table.address(),
                ids.numel(),
                ids.address(),
                out.address(),
                scratch,
                s);
        return readScratchLong(s);
    }

    @Override
    public void embeddingBackward(Tensor ids, Tensor gy, Tensor gtable) {
        EmbeddingChecks.backward(device, ids, gy, gtable);
        CudaKernels.wpc_embedding_backward(
                gtable.dtype().code(),
                gtable.dim(0),
                gtable.dim(1),
                ids.numel(),
                ids.address(),
                gy.address(),
                gtable.address(),
                stream());
    }

    @Override
    public void l2NormalizeForward(Tensor x, Tensor y, Tensor norms, double eps) {
        long cols = L2NormChecks.forward(device, x, y, norms);
        CudaKernels.wpc_l2norm_forward(
                x.dtype().code(),
                KernelArgs.rows(x, cols),
                cols,
                x.address(),
                y.address(),
                norms.address(),
                eps,
                stream());
    }

    @Override
    public void l2NormalizeBackward(Tensor y, Tensor norms, Tensor gy, Tensor gx, double eps) {
        long cols = L2NormChecks.backward(device, y, norms, gy, gx);
        CudaKernels.wpc_l2norm_backward(
                y.dtype().code(),
                KernelArgs.rows(y, cols),
                cols,
                y.address(),
                norms.address(),
                gy.address(),
                gx.address(),
                eps,
                stream());
    }

    @Override
    public void dropoutForward(Tensor x, Tensor y, Tensor mask, double p, long seed) {
        DropoutChecks.forward(device, x, y, mask, p);
        CudaKernels.wpc_dropout_forward(
                x.dtype().code(), x.numel(), x.address(), y.address(), addr(mask), p, seed, stream());
    }

    @Override
    public void patchify(Tensor images, Tensor patches, int patch) {
        PatchifyChecks.images("patchify", device, images, patches, patch);
        CudaKernels.wpc_patchify(
                images.dtype().code(),
                images.dim(0),
                images.dim(1),
                images.dim(2),
                images.dim(3),
                patch,
                images.address(),
                patches.address(),
                stream());
    }

    @Override
    public void unpatchify(Tensor patches, Tensor images, int patch) {
        PatchifyChecks.images("unpatchify", device, images, patches, patch);
        CudaKernels.wpc_unpatchify(
                images.dtype().code(),
                images.dim(0),
                images.dim(1),
                images.dim(2),
                images.dim(3),
                patch,
                patches.address(),
                images.address(),
                stream());
    }

    @Override
    public void attentionForward(Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale, Tensor out, Tensor lse) {
        AttentionChecks.forward(device, q, k, v, keyMask, out, lse);
        CudaKernels.wpc_attention_forward(
                q.dtype().code(),
                q.dim(0),
                q.dim(1),
                q.dim(2),
                k.dim(2),
                q.dim(3),
                q.address(),
                k.address(),
                v.address(),
                addr(keyMask),
                scale,
                out.address(),
                lse.address(),
                stream());
    }

    @Override
    public void attentionBackward(
            Tensor q,
            Tensor k,
            Tensor v,
            Tensor keyMask,
            double scale,
            Tensor out,
            Tensor lse,
            Tensor gout,
            Tensor gq,
            Tensor gk,
            Tensor gv) {
        AttentionChecks.backward(device, q, k, v, keyMask, out, lse, gout, gq, gk, gv);
        CudaKernels.wpc_attention_backward(
                q.dtype().code(),
                q.dim(0),
                q.dim(1),
                q.dim(2),
                k.dim(2),
                q.dim(3),
                q.address(),
                k.address(),
                v.address(),
                addr(keyMask),
                scale,
                out.address(),
                lse.address(),
                gout.address(),
                gq.address(),
                gk.address(),
                gv.address(),
                stream());
    }

    @Override
    public void adamw(
            Tensor param,
            Tensor grad,
            Tensor m,
            Tensor v,
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            long step) {
        AdamWChecks.step(device, param, grad, m, v, step);
        CudaKernels.wpc_adamw_step(
                param.dtype().code(),
                param.numel(),
                param.address(),
                grad.address(),
                m.address(),
                v.address(),
                lr,
                beta1,
                beta2,
                eps,
                weightDecay,
                step,
                stream());
    }

    // ------------------------------------------------------------------ method kernels (docs/method.md sections 1-4)
    // The CUDA twins of the contrastive-learning kernels of io.weakpair.loss (tested against the
    // CPU backend in tests/java/io/weakpair/backend/cuda/CudaMethodOpsTest). The products run on
    // cuBLAS; the fused loss (materialised or tiled, as chosen) and mining: CudaContrastive.

    /** A device buffer from the allocator for the duration of one call (freed in stream order). */
    private long workspace(long bytes) {
        return allocator.allocate(Math.max(bytes, 1));
    }

    @Override
    public void similarityForward(
            Tensor featRows,
            Tensor featCols,
            double tau,
            Tensor unitRows,
            Tensor unitCols,
            Tensor normRows,
            Tensor normCols,
            Tensor logits) {
        SimilarityChecks.forward(device, featRows, featCols, tau, unitRows, unitCols, normRows, normCols, logits);
        long nr = featRows.dim(0), nc = featCols.dim(0), dim = featRows.dim(1);
        DType dt = featRows.dtype();
        if (nr == 0 || nc == 0 || dim == 0) return;
        long s = stream();
        CudaKernels.wpc_similarity_normalize(
                dt.code(), nr, dim, featRows.address(), unitRows.address(), normRows.address(), s);
        CudaKernels.wpc_similarity_normalize(
                dt.code(), nc, dim, featCols.address(), unitCols.address(), normCols.address(), s);
        double invTau = dt == DType.F32 ? (float) (1.0 / tau) : 1.0 / tau;
        gemms.chosen()
                .gemm(
                        dt.code(),
                        false,
                        true,
                        1,
                        nr,
                        nc,
                        dim,
                        invTau,
                        unitRows.address(),
                        dim,
                        0,
                        unitCols.address(),
                        dim,
                        0,
                        0,
                        logits.address(),
                        nc,
                        0);
    }

    @Override
    public void similarityBackward(
            Tensor unitRows,
            Tensor unitCols,
            Tensor normRows,
            Tensor normCols,
            double tau,
            Tensor logits,
            Tensor gradLogits,
            Tensor gradRows,
            Tensor gradCols,
            Tensor gradTau) {
        SimilarityChecks.backward(
                device, unitRows, unitCols, normRows, normCols, tau, logits, gradLogits, gradRows, gradCols, gradTau);
        long nr = unitRows.dim(0), nc = unitCols.dim(0), dim = unitRows.dim(1);
        DType dt = unitRows.dtype();
        if (nr == 0 || nc == 0 || dim == 0) return;
        long s = stream();
        double invTau = dt == DType.F32 ? (float) (1.0 / tau) : 1.0 / tau;
        if (gradTau != null) {
            long ws = workspace(CudaKernels.wpc_similarity_dtau_workspace_bytes(nr * nc));
            CudaKernels.wpc_similarity_dtau(
                    dt.code(), nr * nc, logits.address(), gradLogits.address(), tau, gradTau.address(), ws, s);
            allocator.free(ws);
        }
        if (gradRows != null) { // dF = (1/tau) dS g, then through the normalisation in place
            gemms.chosen()
                    .gemm(
                            dt.code(),
                            false,
                            false,
                            1,
                            nr,
                            dim,
                            nc,
                            invTau,
                            gradLogits.address(),
                            nc,
                            0,
                            unitCols.address(),
                            dim,
                            0,
                            0,
                            gradRows.address(),
                            dim,
                            0);
            CudaKernels.wpc_similarity_normalize_backward(
                    dt.code(),
                    nr,
                    dim,
                    unitRows.address(),
                    normRows.address(),
                    gradRows.address(),
                    gradRows.address(),
                    s);
        }
        if (gradCols != null) { // dG = (1/tau) dS^T f
            gemms.chosen()
                    .gemm(
                            dt.code(),
                            true,
                            false,
                            1,
                            nc,
                            dim,
                            nr,
                            invTau,
                            gradLogits.address(),
                            nc,
                            0,
                            unitRows.address(),
                            dim,
                            0,
                            0,
                            gradCols.address(),
                            dim,
                            0);
            CudaKernels.wpc_similarity_normalize_backward(
                    dt.code(),
                    nc,
                    dim,
                    unitCols.address(),
                    normCols.address(),
                    gradCols.address(),
                    gradCols.address(),
                    s);
        }
    }

    @Override
    public void uncertaintyConfidence(
            Tensor logits, Tensor rowLabels, Tensor colLabels, Tensor confI2t, Tensor confT2i) {
        UncertaintyChecks.confidence(device, logits, rowLabels, colLabels, confI2t, confT2i);
        CudaKernels.wpc_uncertainty_confidence(
                logits.dtype().code(),
                logits.dim(0),
                logits.dim(1),
                logits.address(),
                addr(rowLabels),
                addr(colLabels),
                addr(confI2t),
                addr(confT2i),
                stream());
    }

    @Override
    public void contrastiveLogits(
            Tensor logits,
            Tensor rowLabels,
            Tensor colLabels,
            double alpha,
            Tensor confI2t,
            Tensor confT2i,
            Tensor losses,
            Tensor gradLogits) {
        ContrastiveChecks.logits(device, logits, rowLabels, colLabels, confI2t, confT2i, losses, gradLogits);
        long nr = logits.dim(0), nc = logits.dim(1);
        int dt = logits.dtype().code();
        long ws = workspace(CudaKernels.wpc_contrastive_logits_workspace_bytes(dt, nr, nc));
        CudaKernels.wpc_contrastive_logits(
                dt,
                nr,
                nc,
                logits.address(),
                addr(rowLabels),
                addr(colLabels),
                alpha,
                addr(confI2t),
                addr(confT2i),
                losses.address(),
                addr(gradLogits),
                ws,
                stream());
        allocator.free(ws);
    }

    @Override
    public void contrastiveFused(
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
        contrastive.fused(
                featRows,
                featCols,
                tau,
                rowLabels,
                colLabels,
                alpha,
                confI2t,
                confT2i,
                keepLogits,
                blockRows,
                losses,
                gradRows,
                gradCols,
                gradTau);
    }

    @Override
    public void mineHardNegatives(
            Tensor logits, Tensor labels, MiningMode mode, long seed, Tensor hardNegText, Tensor hardNegImage) {
        contrastive.mineHardNegatives(logits, labels, mode, seed, hardNegText, hardNegImage);
    }

    @Override
    public void mineWeakPositives(Tensor logits, Tensor labels, MiningMode mode, long seed, Tensor weakPosText) {
        contrastive.mineWeakPositives(logits, labels, mode, seed, weakPosText);
    }

    // ------------------------------------------------------------------ helpers

    private static long addr(Tensor t) {
        return t == null ? 0 : t.address();
    }

    static long[] longs(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) out[i] = shape[i];
        return out;
    }
}
