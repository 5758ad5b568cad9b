package io.weakpair.ops;

import io.weakpair.backend.BinaryOp;
import io.weakpair.backend.UnaryOp;
import io.weakpair.tensor.Tensor;
import java.util.List;

/**
 * The differentiable operations, in one place, like {@code torch.nn.functional}: each
 * records its node when an input requires a gradient and gradient mode is on.
 */
public final class F {
    private F() {}

    // ---------------------------------------------------------------- arithmetic (broadcasting)

    public static Tensor add(Tensor a, Tensor b) {
        return ArithmeticOps.binary(BinaryOp.ADD, a, b);
    }

    public static Tensor sub(Tensor a, Tensor b) {
        return ArithmeticOps.binary(BinaryOp.SUB, a, b);
    }

    public static Tensor mul(Tensor a, Tensor b) {
        return ArithmeticOps.binary(BinaryOp.MUL, a, b);
    }

    public static Tensor div(Tensor a, Tensor b) {
        return ArithmeticOps.binary(BinaryOp.DIV, a, b);
    }

    /** alpha * x + beta. */
    public static Tensor affine(Tensor x, double alpha, double beta) {
        return ArithmeticOps.affine(x, alpha, beta);
    }

    public static Tensor scale(Tensor x, double alpha) {
        return ArithmeticOps.affine(x, alpha, 0);
    }

    public static Tensor neg(Tensor x) {
        return ArithmeticOps.affine(x, -1, 0);
    }

    // ---------------------------------------------------------------- pointwise functions

    public static Tensor exp(Tensor x) {
        return ActivationOps.apply(UnaryOp.EXP, x);
    }

    public static Tensor log(Tensor x) {
        return ActivationOps.apply(UnaryOp.LOG, x);
    }

    public static Tensor tanh(Tensor x) {
        return ActivationOps.apply(UnaryOp.TANH, x);
    }

    /** GELU, erf form. */
    public static Tensor gelu(Tensor x) {
        return ActivationOps.apply(UnaryOp.GELU, x);
    }

    /**
     * gelu(x + bias) (erf form) with bias [x.dim(-1)] added along the last axis, in one kernel:
     * the same values as {@code gelu(add(x, bias))}, for a linear layer's GEMM output.
     */
    public static Tensor biasGelu(Tensor x, Tensor bias) {
        return BiasGeluOp.biasGelu(x, bias);
    }

    public static Tensor sqrt(Tensor x) {
        return ActivationOps.apply(UnaryOp.SQRT, x);
    }

    public static Tensor square(Tensor x) {
        return ActivationOps.apply(UnaryOp.SQUARE, x);
    }

    public static Tensor relu(Tensor x) {
        return ActivationOps.apply(UnaryOp.RELU, x);
    }

    // ---------------------------------------------------------------- reductions

    public static Tensor sum(Tensor x) {
        return ReductionOps.sumAll(x, false);
    }

    public static Tensor mean(Tensor x) {
        return ReductionOps.sumAll(x, true);
    }

    public static Tensor sum(Tensor x, int axis, boolean keepDim) {
        return ReductionOps.sum(x, axis, keepDim, false);
    }

    public static Tensor mean(Tensor x, int axis, boolean keepDim) {
        return ReductionOps.sum(x, axis, keepDim, true);
    }

    // ---------------------------------------------------------------- products

    /** [.., M, K] @ [.., K, N]; equal batch dimensions, or one side a plain matrix. */
    public static Tensor matmul(Tensor a, Tensor b) {
        return MatMulOp.matmul(a, b);
    }

    /** x @ W^T + bias with W [out, in]; bias may be null. */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        return MatMulOp.linear(x, w, bias);
    }

    // ---------------------------------------------------------------- softmax and attention

    /** Softmax over the last axis. */
    public static Tensor softmax(Tensor x) {
        return SoftmaxOp.apply(x, -1, false);
    }

    /** Softmax over {@code axis} (the last axis is the fast path; others go through a transposed copy). */
    public static Tensor softmax(Tensor x, int axis) {
        return SoftmaxOp.apply(x, axis, false);
    }

    /** Log-softmax over the last axis. */
    public static Tensor logSoftmax(Tensor x) {
        return SoftmaxOp.apply(x, -1, true);
    }

    public static Tensor logSoftmax(Tensor x, int axis) {
        return SoftmaxOp.apply(x, axis, true);
    }

    /**
     * Fused scaled dot-product attention softmax(q k^T / sqrt(Dh) + mask) v: q [B, H, Lq, Dh],
     * k and v [B, H, Lk, Dh], keyMask null or I32 [B, Lk] with nonzero = attend. Returns
     * [B, H, Lq, Dh]; rows with no key to attend to are 0. Memory O(L * Dh): the [Lq, Lk]
     * scores are never stored.
     */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor keyMask) {
        return AttentionOp.apply(q, k, v, keyMask, AttentionOp.defaultScale(q));
    }

    /** The same with an explicit scale of the scores. */
    public static Tensor attention(Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale) {
        return AttentionOp.apply(q, k, v, keyMask, scale);
    }

    // ---------------------------------------------------------------- neural-network layers and losses

    /**
     * Layer normalisation over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta with the
     * biased variance; gamma and beta [D] may be null (no scale, no shift).
     */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, double eps) {
        return LayerNormOp.layerNorm(x, gamma, beta, eps);
    }

    /**
     * Mean cross-entropy of logits [..., C] against I32 class ids [...], over the rows whose target
     * is not {@code ignoreIndex}; 0 (with a zero gradient) when every row is ignored. A target
     * outside [0, C) that is not the ignore index is an error naming its row and value.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, int ignoreIndex) {
        return CrossEntropyOp.crossEntropy(logits, targets, ignoreIndex);
    }

    /** Mean over rows of -sum_c q log_softmax(logits); logits and q of one shape [..., C], both differentiable. */
    public static Tensor softCrossEntropy(Tensor logits, Tensor q) {
        return CrossEntropyOp.softCrossEntropy(logits, q);
    }

    /** Rows of table [V, D] gathered by I32 ids of any shape: [..ids, D]. An id outside [0, V) is an error. */
    public static Tensor embedding(Tensor table, Tensor ids) {
        return EmbeddingOp.embedding(table, ids);
    }

    /** x / max(||x||, eps) over the last axis. */
    public static Tensor l2Normalize(Tensor x, double eps) {
        return L2NormalizeOp.l2Normalize(x, eps);
    }

    /** x / max(||x||, 1e-12) over the last axis, as docs/method.md (notation) defines f and g. */
    public static Tensor l2Normalize(Tensor x) {
        return L2NormalizeOp.l2Normalize(x, L2NormalizeOp.DEFAULT_EPS);
    }

    /**
     * Inverted dropout with a mask drawn from (seed, element index): reproducible and independent
     * of the thread count. The identity (returning x itself) when !training or p == 0.
     */
    public static Tensor dropout(Tensor x, double p, long seed, boolean training) {
        return DropoutOp.dropout(x, p, seed, training);
    }

    /**
     * Images [B, C, H, W] to non-overlapping patches [B, (H/p)(W/p), C*p*p] in (channel, row, column)
     * order: with a conv weight [W, C, p, p] reshaped to [W, C*p*p], {@code linear(patchify(x, p), w, b)}
     * is the ViT patch-embedding convolution.
     */
    public static Tensor patchify(Tensor images, int patch) {
        return PatchifyOp.patchify(images, patch);
    }

    // ---------------------------------------------------------------- shapes

    public static Tensor reshape(Tensor x, int... shape) {
        return ShapeOps.reshape(x, shape);
    }

    public static Tensor permute(Tensor x, int... dims) {
        return ShapeOps.permute(x, dims);
    }

    public static Tensor transpose(Tensor x, int a, int b) {
        return ShapeOps.transpose(x, a, b);
    }

    public static Tensor slice(Tensor x, int axis, int start, int end) {
        return ShapeOps.slice(x, axis, start, end);
    }

    public static Tensor concat(List<Tensor> parts, int axis) {
        return ShapeOps.concat(parts, axis);
    }

    public static Tensor contiguous(Tensor x) {
        return ShapeOps.contiguous(x);
    }
}
