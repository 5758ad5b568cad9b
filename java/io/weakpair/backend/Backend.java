package io.weakpair.backend;

import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/**
 * The kernels of one device kind. Callers (the ops in {@code io.weakpair.ops}) validate
 * shapes, dtypes and devices and pass contiguous tensors unless a method says otherwise;
 * outputs are allocated by the caller. A backend never sees autograd.
 *
 * <p>Row-wise kernels (layernorm, softmax, cross-entropy, L2 normalisation) treat a tensor
 * as [rows, last-axis].
 */
public interface Backend {
    Device device();

    /** One line: what this backend runs on. */
    String describe();

    // ------------------------------------------------------------------ memory and transfers

    long allocate(long bytes);

    void free(long address, long bytes);

    void upload(Tensor dst, float[] src);

    void upload(Tensor dst, double[] src);

    void upload(Tensor dst, int[] src);

    void upload(Tensor dst, long[] src);

    /** Raw bytes into a contiguous tensor of any dtype (little-endian layout). */
    void uploadBytes(Tensor dst, byte[] src);

    void download(Tensor src, float[] dst);

    void download(Tensor src, double[] dst);

    void download(Tensor src, int[] dst);

    void download(Tensor src, long[] dst);

    void downloadBytes(Tensor src, byte[] dst);

    /** Copies a contiguous host tensor into {@code dst} on this backend's device. */
    void upload(Tensor dst, Tensor hostSrc);

    /** Copies contiguous {@code src} on this backend's device into a host tensor. */
    void download(Tensor src, Tensor hostDst);

    /** Waits for queued work (no-op on the CPU). */
    void synchronize();

    // ------------------------------------------------------------------ generic kernels

    void fill(Tensor dst, double value);

    /** Copies between any two strided layouts of one shape and dtype. */
    void copy(Tensor src, Tensor dst);

    /** Converts between dtypes (contiguous, same numel). */
    void cast(Tensor src, Tensor dst);

    /** out = a (op) b; a and b are views already broadcast to out's shape (stride 0 where broadcast). */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    void unary(UnaryOp op, Tensor x, Tensor y, double alpha, double beta);

    /** gx = gy * f'(x), reading the forward input x or output y as the op needs. */
    void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, double alpha);

    /**
     * y = gelu(x + bias) (erf form, as {@link UnaryOp#GELU}) with x and y [rows, n] contiguous and
     * bias [n] added to every row; y may be x.
     */
    void biasGelu(Tensor x, Tensor bias, Tensor y);

    /**
     * Gradients of biasGelu from its inputs: gx = gy * gelu'(x + bias) and gbias = the column sums
     * of gx, accumulated in double; both overwritten. gx may be gy; gbias may be null.
     */
    void biasGeluBackward(Tensor x, Tensor bias, Tensor gy, Tensor gx, Tensor gbias);

    /** out[o, i] = scale * sum_a x[o, a, i] with x viewed as [outer, axis, inner]. */
    void reduceSum(Tensor x, long outer, long axis, long inner, Tensor out, double scale);

    /** Sum of squares of all elements, accumulated in double. */
    double sumSquares(Tensor x);

    /**
     * Sum of squares of all elements of several tensors of this backend (a gradient norm). A
     * device backend reads the result back once, not once per tensor; this default sums the
     * tensors one by one.
     */
    default double sumSquares(Iterable<Tensor> tensors) {
        double sum = 0;
        for (Tensor x : tensors) sum += sumSquares(x);
        return sum;
    }

    /** True if any element is NaN or infinite. */
    boolean hasNonFinite(Tensor x);

    /**
     * Strided batched GEMM, row-major: C_i = alpha * op(A_i) op(B_i) + beta * C_i for i in
     * [0, batch); strides in elements between consecutive matrices (0 reuses one).
     */
    void gemm(
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
            long strideC);

    // ------------------------------------------------------------------ neural-network kernels

    /**
     * y = (x - mean) * rstd * gamma + beta per row, rstd = 1/sqrt(biased var + eps); saves mean
     * and rstd [rows]. gamma and beta [cols] may be null (no scale, no shift).
     */
    void layerNormForward(Tensor x, Tensor gamma, Tensor beta, double eps, Tensor y, Tensor mean, Tensor rstd);

    /**
     * Gradients of layerNormForward; gx, ggamma and gbeta are overwritten (not accumulated), and
     * each may be null when not needed; gamma is null when the forward had none.
     */
    void layerNormBackward(
            Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor gy, Tensor gx, Tensor ggamma, Tensor gbeta);

    /** Row softmax (or log-softmax) of x into y. */
    void softmaxForward(Tensor x, Tensor y, boolean log);

    /** Gradient of softmaxForward from its output y. */
    void softmaxBackward(Tensor y, Tensor gy, Tensor gx, boolean log);

    /**
     * Per-row cross-entropy with integer class targets (I32 [rows]); rows whose target is
     * ignoreIndex get loss 0. Writes loss [rows] and the row log-sum-exp [rows]. Returns the
     * index of the first row whose target is out of range (and not ignoreIndex), or -1.
     */
    long crossEntropyForward(Tensor logits, Tensor targets, int ignoreIndex, Tensor loss, Tensor logSumExp);

    /** glogits = gLoss[row] * (softmax - onehot), zero for ignored rows. */
    void crossEntropyBackward(
            Tensor logits, Tensor targets, int ignoreIndex, Tensor logSumExp, Tensor gLoss, Tensor glogits);

    /** loss[row] = -sum_c q[row, c] * log_softmax(logits)[row, c]; writes the row log-sum-exp. */
    void softCrossEntropyForward(Tensor logits, Tensor q, Tensor loss, Tensor logSumExp);

    /**
     * Gradients of softCrossEntropyForward: glogits = gLoss * (softmax * sum(q) - q) and
     * gq = -gLoss * log_softmax (gq may be null when the targets need no gradient).
     */
    void softCrossEntropyBackward(Tensor logits, Tensor q, Tensor logSumExp, Tensor gLoss, Tensor glogits, Tensor gq);

    /** out[i, :] = table[ids[i], :]. Returns the position of the first id outside [0, rows), or -1. */
    long embeddingForward(Tensor table, Tensor ids, Tensor out);

    /** gtable[ids[i], :] += gy[i, :] (gtable zeroed by the caller). */
    void embeddingBackward(Tensor ids, Tensor gy, Tensor gtable);

    /** y = x / max(||x||, eps) per row; norms [rows] saved. */
    void l2NormalizeForward(Tensor x, Tensor y, Tensor norms, double eps);

    /** gx = (gy - y (y . gy)) / ||x|| per row where ||x|| > eps (docs/method.md section 3), gy / eps elsewhere. */
    void l2NormalizeBackward(Tensor y, Tensor norms, Tensor gy, Tensor gx, double eps);

    /**
     * y = x * mask with mask = 1/(1-p) kept or 0 dropped, drawn from a hash of (seed, flat element
     * index) alone (wp/dropout.h defines it), so the same call on the output gradient is the
     * backward. mask may be null (not stored). p in [0, 1].
     */
    void dropoutForward(Tensor x, Tensor y, Tensor mask, double p, long seed);

    /**
     * Images [B, C, H, W] to patches [B, (H/p)(W/p), C*p*p], each patch flattened in
     * (channel, row, column) order as a conv weight [W, C, p, p] expects.
     */
    void patchify(Tensor images, Tensor patches, int patch);

    /** The adjoint of patchify: scatter patches back to an image gradient. */
    void unpatchify(Tensor patches, Tensor images, int patch);

    // ------------------------------------------------------------------ fused attention

    /**
     * Scaled dot-product attention per batch*head: q [B, H, Lq, Dh], k and v [B, H, Lk, Dh],
     * optional keyMask [B, Lk] (I32, nonzero = attend). Writes out [B, H, Lq, Dh] and the
     * softmax log-sum-exp [B, H, Lq] for the backward. Rows whose keys are all masked give 0
     * and lse -inf. The [Lq, Lk] scores are not stored (the CPU kernel tiles over keys).
     */
    void attentionForward(Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale, Tensor out, Tensor lse);

    /**
     * Gradients of attentionForward (gq, gk, gv overwritten), recomputing the scores from q, k and
     * lse; rows with lse -inf pass no gradient.
     */
    void attentionBackward(
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
            Tensor gv);

    // ------------------------------------------------------------------ optimiser

    /**
     * One AdamW step in place: m, v moments; bias corrections for step (1-based); decoupled
     * weight decay lr * weightDecay * param applied before the Adam update.
     */
    void adamw(
            Tensor param,
            Tensor grad,
            Tensor m,
            Tensor v,
            double lr,
            double beta1,
            double beta2,
            double eps,
            double weightDecay,
            long step);

    // ------------------------------------------------------------------ method kernels (docs/method.md sections 1-4)
    // The contrastive-learning kernels of io.weakpair.loss. Features are [rows, dim] contiguous
    // F32/F64; labels are contiguous I64 (null: the strict pairs, P_i = {i}); logits S are
    // [nRows, nCols]; outputs are allocated by the caller and overwritten; a null output is
    // not computed. Square and rectangular S alike (a feature queue adds columns).

    /**
     * S = (f g^T) / tau with f, g the rows of featRows, featCols divided by max(||row||, 1e-12);
     * writes f (unitRows), g (unitCols), the divisors (normRows [nRows], normCols [nCols]) and S.
     */
    void similarityForward(
            Tensor featRows,
            Tensor featCols,
            double tau,
            Tensor unitRows,
            Tensor unitCols,
            Tensor normRows,
            Tensor normCols,
            Tensor logits);

    /**
     * Gradients of similarityForward from dL/dS: gradRows = dL/dF, gradCols = dL/dG (through the
     * normalisation, docs/method.md section 3) and gradTau (one element) = -(1/tau) sum dS * S.
     */
    void similarityBackward(
            Tensor unitRows,
            Tensor unitCols,
            Tensor normRows,
            Tensor normCols,
            double tau,
            Tensor logits,
            Tensor gradLogits,
            Tensor gradRows,
            Tensor gradCols,
            Tensor gradTau);

    /** c_i2t and c_t2i [nRows, nCols] (docs/method.md section 1), zero outside the positive pairs. */
    void uncertaintyConfidence(Tensor logits, Tensor rowLabels, Tensor colLabels, Tensor confI2t, Tensor confT2i);

    /**
     * The uITC loss on materialised logits: losses (3 elements: L, L_i2t, L_t2i) and dL/dS
     * (gradLogits, may be the logits tensor itself). alpha = 0 is itc-id; null labels give
     * itc-strict. confI2t/confT2i: external (frozen) confidences, or null to compute them.
     */
    void contrastiveLogits(
            Tensor logits,
            Tensor rowLabels,
            Tensor colLabels,
            double alpha,
            Tensor confI2t,
            Tensor confT2i,
            Tensor losses,
            Tensor gradLogits);

    /**
     * The same loss fused with similarityForward, loss and gradient in one call: gradients go
     * straight to the unnormalised features and the temperature (gradRows, gradCols, gradTau;
     * all null for the loss only). keepLogits: S computed once and kept whole between the two
     * passes; otherwise tiled: recomputed blockRows rows at a time (0: automatic), never stored
     * whole, memory O((nRows + nCols) * dim).
     */
    void contrastiveFused(
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
            Tensor gradTau);

    /**
     * Group-wise hard negatives (docs/method.md section 4) from square logits [n, n] and labels [n]:
     * hardNegText and hardNegImage (I32 [n], -1 for none).
     */
    void mineHardNegatives(
            Tensor logits, Tensor labels, MiningMode mode, long seed, Tensor hardNegText, Tensor hardNegImage);

    /** Weak positive text per image (I32 [n], -1 for a singleton group), docs/method.md section 4. */
    void mineWeakPositives(Tensor logits, Tensor labels, MiningMode mode, long seed, Tensor weakPosText);
}
