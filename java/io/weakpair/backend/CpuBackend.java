package io.weakpair.backend;

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
import io.weakpair.backend.checks.MiningChecks;
import io.weakpair.backend.checks.PatchifyChecks;
import io.weakpair.backend.checks.SimilarityChecks;
import io.weakpair.backend.checks.SoftmaxChecks;
import io.weakpair.backend.checks.UncertaintyChecks;
import io.weakpair.config.Environment;
import io.weakpair.nativ.CpuKernels;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/** Host kernels: C++ in native/ (OpenMP), GEMM through OpenBLAS. */
public final class CpuBackend implements Backend {
    static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {
        // The settings checked once (config.Environment): a bad value is an error naming it, never a stack trace.
        Environment env = Environment.current();
        if (env.threads() != null) CpuKernels.wp_set_num_threads(env.threads());
        if (env.hostCacheMb() != null) CpuKernels.wp_host_set_cache_limit(env.hostCacheMb() << 20);
    }

    /** Threads used by the kernels and OpenBLAS. */
    public static void setThreads(int threads) {
        CpuKernels.wp_set_num_threads(threads);
    }

    public static int threads() {
        return CpuKernels.wp_get_num_threads();
    }

    /**
     * Host blocks of 1 MiB and more are cached by size class for reuse (so a training step
     * does not page-fault its tensors in again); this returns them to the OS.
     */
    public static void emptyCache() {
        CpuKernels.wp_host_empty_cache();
    }

    /** Bytes held by the host block cache (free, ready for reuse). */
    public static long cachedBytes() {
        return CpuKernels.wp_host_cached_bytes();
    }

    /** Bounds the host block cache (default 2 GiB; WEAKPAIR_HOST_CACHE_MB sets it at start). */
    public static void setCacheLimit(long bytes) {
        CpuKernels.wp_host_set_cache_limit(bytes);
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public String describe() {
        int t = threads(), cores = Runtime.getRuntime().availableProcessors();
        return "cpu (" + t + (t == 1 ? " thread, " : " threads, ") + cores + (cores == 1 ? " core" : " cores")
                + ", OpenBLAS)";
    }

    // ------------------------------------------------------------------ memory

    @Override
    public long allocate(long bytes) {
        long p = CpuKernels.wp_host_alloc(bytes);
        if (p == 0) throw new OutOfMemoryError("cpu: cannot allocate " + bytes + " bytes of host memory");
        return p;
    }

    @Override
    public void free(long address, long bytes) {
        CpuKernels.wp_host_free(address);
    }

    @Override
    public void upload(Tensor dst, float[] src) {
        CpuKernels.wp_memcpy(dst.address(), src, HostArrays.checkedBytes(dst, src.length, DType.F32, "upload"));
    }

    @Override
    public void upload(Tensor dst, double[] src) {
        CpuKernels.wp_memcpy(dst.address(), src, HostArrays.checkedBytes(dst, src.length, DType.F64, "upload"));
    }

    @Override
    public void upload(Tensor dst, int[] src) {
        CpuKernels.wp_memcpy(dst.address(), src, HostArrays.checkedBytes(dst, src.length, DType.I32, "upload"));
    }

    @Override
    public void upload(Tensor dst, long[] src) {
        CpuKernels.wp_memcpy(dst.address(), src, HostArrays.checkedBytes(dst, src.length, DType.I64, "upload"));
    }

    @Override
    public void uploadBytes(Tensor dst, byte[] src) {
        HostArrays.checkRawBytes(dst, src.length, "upload");
        CpuKernels.wp_memcpy(dst.address(), src, src.length);
    }

    @Override
    public void download(Tensor src, float[] dst) {
        CpuKernels.wp_memcpy(dst, src.address(), HostArrays.checkedBytes(src, dst.length, DType.F32, "download"));
    }

    @Override
    public void download(Tensor src, double[] dst) {
        CpuKernels.wp_memcpy(dst, src.address(), HostArrays.checkedBytes(src, dst.length, DType.F64, "download"));
    }

    @Override
    public void download(Tensor src, int[] dst) {
        CpuKernels.wp_memcpy(dst, src.address(), HostArrays.checkedBytes(src, dst.length, DType.I32, "download"));
    }

    @Override
    public void download(Tensor src, long[] dst) {
        CpuKernels.wp_memcpy(dst, src.address(), HostArrays.checkedBytes(src, dst.length, DType.I64, "download"));
    }

    @Override
    public void downloadBytes(Tensor src, byte[] dst) {
        HostArrays.checkRawBytes(src, dst.length, "download");
        CpuKernels.wp_memcpy(dst, src.address(), dst.length);
    }

    @Override
    public void upload(Tensor dst, Tensor hostSrc) {
        copy(hostSrc, dst);
    }

    @Override
    public void download(Tensor src, Tensor hostDst) {
        copy(src, hostDst);
    }

    @Override
    public void synchronize() {}

    // ------------------------------------------------------------------ generic kernels

    @Override
    public void fill(Tensor dst, double value) {
        ElementwiseChecks.fill(Device.CPU, dst);
        CpuKernels.wp_fill(dst.dtype().code(), dst.address(), dst.numel(), value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        ElementwiseChecks.copy(Device.CPU, src, dst);
        if (src.numel() == 0) return;
        CpuKernels.wp_copy_strided(
                src.dtype().code(),
                src.rank(),
                longs(src.shape()),
                src.address(),
                src.strides(),
                dst.address(),
                dst.strides());
    }

    @Override
    public void cast(Tensor src, Tensor dst) {
        ElementwiseChecks.cast(Device.CPU, src, dst);
        CpuKernels.wp_cast(src.dtype().code(), src.address(), dst.dtype().code(), dst.address(), src.numel());
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        ElementwiseChecks.binary(Device.CPU, op, a, b, out);
        if (out.numel() == 0) return;
        CpuKernels.wp_binary(
                op.code(),
                out.dtype().code(),
                out.rank(),
                longs(out.shape()),
                a.address(),
                a.strides(),
                b.address(),
                b.strides(),
                out.address(),
                out.strides());
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor y, double alpha, double beta) {
        ElementwiseChecks.unary(Device.CPU, op, x, y);
        CpuKernels.wp_unary(op.code(), x.dtype().code(), x.numel(), x.address(), y.address(), alpha, beta);
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, double alpha) {
        ElementwiseChecks.unaryBackward(Device.CPU, op, x, y, gy, gx);
        CpuKernels.wp_unary_backward(
                op.code(), gy.dtype().code(), gy.numel(), addr(x), addr(y), gy.address(), gx.address(), alpha);
    }

    @Override
    public void biasGelu(Tensor x, Tensor bias, Tensor y) {
        long n = ElementwiseChecks.biasGelu(Device.CPU, x, bias, y);
        CpuKernels.wp_bias_gelu(x.dtype().code(), KernelArgs.rows(x, n), n, x.address(), bias.address(), y.address());
    }

    @Override
    public void biasGeluBackward(Tensor x, Tensor bias, Tensor gy, Tensor gx, Tensor gbias) {
        long n = ElementwiseChecks.biasGeluBackward(Device.CPU, x, bias, gy, gx, gbias);
        CpuKernels.wp_bias_gelu_backward(
                x.dtype().code(),
                KernelArgs.rows(x, n),
                n,
                x.address(),
                bias.address(),
                gy.address(),
                gx.address(),
                addr(gbias));
    }

    @Override
    public void reduceSum(Tensor x, long outer, long axis, long inner, Tensor out, double scale) {
        ElementwiseChecks.reduceSum(Device.CPU, x, outer, axis, inner, out);
        CpuKernels.wp_reduce_sum(x.dtype().code(), outer, axis, inner, x.address(), out.address(), scale);
    }

    @Override
    public double sumSquares(Tensor x) {
        ElementwiseChecks.sumSquares(Device.CPU, x);
        return CpuKernels.wp_sum_squares(x.dtype().code(), x.numel(), x.address());
    }

    @Override
    public boolean hasNonFinite(Tensor x) {
        ElementwiseChecks.hasNonFinite(Device.CPU, x);
        if (!x.dtype().isFloating()) return false;
        return CpuKernels.wp_has_nonfinite(x.dtype().code(), x.address(), x.numel()) != 0;
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
        if (!GemmChecks.gemm(
                Device.CPU, transA, transB, batch, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC)) return;
        CpuKernels.wp_gemm_batched(
                c.dtype().code(),
                transA ? 1 : 0,
                transB ? 1 : 0,
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
        long cols = LayerNormChecks.forward(Device.CPU, x, gamma, beta, y, mean, rstd);
        CpuKernels.wp_layernorm_forward(
                x.dtype().code(),
                KernelArgs.rows(x, cols),
                cols,
                x.address(),
                addr(gamma),
                addr(beta),
                eps,
                y.address(),
                mean.address(),
                rstd.address());
    }

    @Override
    public void layerNormBackward(
            Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor gy, Tensor gx, Tensor ggamma, Tensor gbeta) {
        long cols = LayerNormChecks.backward(Device.CPU, x, gamma, mean, rstd, gy, gx, ggamma, gbeta);
        CpuKernels.wp_layernorm_backward(
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
                addr(gbeta));
    }

    @Override
    public void softmaxForward(Tensor x, Tensor y, boolean log) {
        long cols = SoftmaxChecks.forward(Device.CPU, x, y, log);
        CpuKernels.wp_softmax_forward(
                x.dtype().code(), KernelArgs.rows(x, cols), cols, x.address(), y.address(), log ? 1 : 0);
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gy, Tensor gx, boolean log) {
        long cols = SoftmaxChecks.backward(Device.CPU, y, gy, gx, log);
        CpuKernels.wp_softmax_backward(
                y.dtype().code(), KernelArgs.rows(y, cols), cols, y.address(), gy.address(), gx.address(), log ? 1 : 0);
    }

    @Override
    public long crossEntropyForward(Tensor logits, Tensor targets, int ignoreIndex, Tensor loss, Tensor logSumExp) {
        long classes = CrossEntropyChecks.forward(Device.CPU, logits, targets, loss, logSumExp);
        return CpuKernels.wp_cross_entropy_forward(
                logits.dtype().code(),
                KernelArgs.rows(logits, classes),
                classes,
                logits.address(),
                targets.address(),
                ignoreIndex,
                loss.address(),
                logSumExp.address());
    }

    @Override
    public void crossEntropyBackward(
            Tensor logits, Tensor targets, int ignoreIndex, Tensor logSumExp, Tensor gLoss, Tensor glogits) {
        long classes = CrossEntropyChecks.backward(Device.CPU, logits, targets, logSumExp, gLoss, glogits);
        CpuKernels.wp_cross_entropy_backward(
                logits.dtype().code(),
                KernelArgs.rows(logits, classes),
                classes,
                logits.address(),
                targets.address(),
                ignoreIndex,
                logSumExp.address(),
                gLoss.address(),
                glogits.address());
    }

    @Override
    public void softCrossEntropyForward(Tensor logits, Tensor q, Tensor loss, Tensor logSumExp) {
        long classes = CrossEntropyChecks.softForward(Device.CPU, logits, q, loss, logSumExp);
        CpuKernels.wp_soft_cross_entropy_forward(
                logits.dtype().code(),
                KernelArgs.rows(logits, classes),
                classes,
                logits.address(),
                q.address(),
                loss.address(),
                logSumExp.address());
    }

    @Override
    public void softCrossEntropyBackward(
            Tensor logits, Tensor q, Tensor logSumExp, Tensor gLoss, Tensor glogits, Tensor gq) {
        long classes = CrossEntropyChecks.softBackward(Device.CPU, logits, q, logSumExp, gLoss, glogits, gq);
        CpuKernels.wp_soft_cross_entropy_backward(
                logits.dtype().code(),
                KernelArgs.rows(logits, classes),
                classes,
                logits.address(),
                q.address(),
                logSumExp.address(),
                gLoss.address(),
                glogits.address(),
                addr(gq));
    }

    @Override
    public long embeddingForward(Tensor table, Tensor ids, Tensor out) {
        EmbeddingChecks.forward(Device.CPU, table, ids, out);
        return CpuKernels.wp_embedding_forward(
                table.dtype().code(),
                table.dim(0),
                table.dim(1),
                table.address(),
                ids.numel(),
                ids.address(),
                out.address());
    }

    @Override
    public void embeddingBackward(Tensor ids, Tensor gy, Tensor gtable) {
        EmbeddingChecks.backward(Device.CPU, ids, gy, gtable);
        CpuKernels.wp_embedding_backward(
                gtable.dtype().code(),
                gtable.dim(0),
                gtable.dim(1),
                ids.numel(),
                ids.address(),
                gy.address(),
                gtable.address());
    }

    @Override
    public void l2NormalizeForward(Tensor x, Tensor y, Tensor norms, double eps) {
        long cols = L2NormChecks.forward(Device.CPU, x, y, norms);
        CpuKernels.wp_l2norm_forward(
                x.dtype().code(), KernelArgs.rows(x, cols), cols, x.address(), y.address(), norms.address(), eps);
    }

    @Override
    public void l2NormalizeBackward(Tensor y, Tensor norms, Tensor gy, Tensor gx, double eps) {
        long cols = L2NormChecks.backward(Device.CPU, y, norms, gy, gx);
        CpuKernels.wp_l2norm_backward(
                y.dtype().code(),
                KernelArgs.rows(y, cols),
                cols,
                y.address(),
                norms.address(),
                gy.address(),
                gx.address(),
                eps);
    }

    @Override
    public void dropoutForward(Tensor x, Tensor y, Tensor mask, double p, long seed) {
        DropoutChecks.forward(Device.CPU, x, y, mask, p);
        CpuKernels.wp_dropout_forward(x.dtype().code(), x.numel(), x.address(), y.address(), addr(mask), p, seed);
    }

    @Override
    public void patchify(Tensor images, Tensor patches, int patch) {
        PatchifyChecks.images("patchify", Device.CPU, images, patches, patch);
        CpuKernels.wp_patchify(
                images.dtype().code(),
                images.dim(0),
                images.dim(1),
                images.dim(2),
                images.dim(3),
                patch,
                images.address(),
                patches.address());
    }

    @Override
    public void unpatchify(Tensor patches, Tensor images, int patch) {
        PatchifyChecks.images("unpatchify", Device.CPU, images, patches, patch);
        CpuKernels.wp_unpatchify(
                images.dtype().code(),
                images.dim(0),
                images.dim(1),
                images.dim(2),
                images.dim(3),
                patch,
                patches.address(),
                images.address());
    }

    @Override
    public void attentionForward(Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale, Tensor out, Tensor lse) {
        AttentionChecks.forward(Device.CPU, q, k, v, keyMask, out, lse);
        CpuKernels.wp_attention_forward(
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
                lse.address());
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
        AttentionChecks.backward(Device.CPU, q, k, v, keyMask, out, lse, gout, gq, gk, gv);
        CpuKernels.wp_attention_backward(
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
                gv.address());
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
        AdamWChecks.step(Device.CPU, param, grad, m, v, step);
        CpuKernels.wp_adamw_step(
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
                step);
    }

    // ------------------------------------------------------------------ method kernels (docs/method.md sections 1-4)

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
        SimilarityChecks.forward(Device.CPU, featRows, featCols, tau, unitRows, unitCols, normRows, normCols, logits);
        CpuKernels.wp_similarity_forward(
                featRows.dtype().code(),
                featRows.dim(0),
                featCols.dim(0),
                featRows.dim(1),
                featRows.address(),
                featCols.address(),
                tau,
                unitRows.address(),
                unitCols.address(),
                normRows.address(),
                normCols.address(),
                logits.address());
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
                Device.CPU,
                unitRows,
                unitCols,
                normRows,
                normCols,
                tau,
                logits,
                gradLogits,
                gradRows,
                gradCols,
                gradTau);
        CpuKernels.wp_similarity_backward(
                unitRows.dtype().code(),
                unitRows.dim(0),
                unitCols.dim(0),
                unitRows.dim(1),
                unitRows.address(),
                unitCols.address(),
                normRows.address(),
                normCols.address(),
                tau,
                logits.address(),
                gradLogits.address(),
                addr(gradRows),
                addr(gradCols),
                addr(gradTau));
    }

    @Override
    public void uncertaintyConfidence(
            Tensor logits, Tensor rowLabels, Tensor colLabels, Tensor confI2t, Tensor confT2i) {
        UncertaintyChecks.confidence(Device.CPU, logits, rowLabels, colLabels, confI2t, confT2i);
        CpuKernels.wp_uncertainty_confidence(
                logits.dtype().code(),
                logits.dim(0),
                logits.dim(1),
                logits.address(),
                addr(rowLabels),
                addr(colLabels),
                addr(confI2t),
                addr(confT2i));
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
        ContrastiveChecks.logits(Device.CPU, logits, rowLabels, colLabels, confI2t, confT2i, losses, gradLogits);
        CpuKernels.wp_contrastive_logits(
                logits.dtype().code(),
                logits.dim(0),
                logits.dim(1),
                logits.address(),
                addr(rowLabels),
                addr(colLabels),
                alpha,
                addr(confI2t),
                addr(confT2i),
                losses.address(),
                addr(gradLogits));
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
        ContrastiveChecks.fused(
                Device.CPU,
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
        CpuKernels.wp_contrastive_fused(
                featRows.dtype().code(),
                featRows.dim(0),
                featCols.dim(0),
                featRows.dim(1),
                featRows.address(),
                featCols.address(),
                tau,
                addr(rowLabels),
                addr(colLabels),
                alpha,
                addr(confI2t),
                addr(confT2i),
                keepLogits ? 1 : 0,
                blockRows,
                losses.address(),
                addr(gradRows),
                addr(gradCols),
                addr(gradTau));
    }

    @Override
    public void mineHardNegatives(
            Tensor logits, Tensor labels, MiningMode mode, long seed, Tensor hardNegText, Tensor hardNegImage) {
        MiningChecks.hardNegatives(Device.CPU, logits, labels, mode, hardNegText, hardNegImage);
        CpuKernels.wp_mining_hard_negatives(
                logits.dtype().code(),
                logits.dim(0),
                logits.address(),
                labels.address(),
                mode.code(),
                seed,
                hardNegText.address(),
                hardNegImage.address());
    }

    @Override
    public void mineWeakPositives(Tensor logits, Tensor labels, MiningMode mode, long seed, Tensor weakPosText) {
        MiningChecks.weakPositives(Device.CPU, logits, labels, mode, weakPosText);
        CpuKernels.wp_mining_weak_positives(
                logits.dtype().code(),
                logits.dim(0),
                logits.address(),
                labels.address(),
                mode.code(),
                seed,
                weakPosText.address());
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
