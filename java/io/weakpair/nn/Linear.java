package io.weakpair.nn;

import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;
import java.util.Arrays;

/** y = x W^T + b with W [out, in] and b [out], as {@code torch.nn.Linear}. */
public final class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Tensor weight;
    private final Tensor bias;

    /** F32 on the CPU with PyTorch's default initialisation. */
    public Linear(int inFeatures, int outFeatures, boolean bias, long seed) {
        this(inFeatures, outFeatures, bias, InitContext.cpu(seed));
    }

    /**
     * PyTorch's default initialisation: weight and bias uniform in +-1/sqrt(in) (what
     * kaiming_uniform with a = sqrt(5) works out to).
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, InitContext ctx) {
        this(inFeatures, outFeatures, bias, ctx, defaultInit(inFeatures), defaultInit(inFeatures));
    }

    /** Explicit initialisation, e.g. {@code Init.normal(0.02), Init.zeros()} as BERT does. */
    public Linear(int inFeatures, int outFeatures, boolean bias, InitContext ctx, Init weightInit, Init biasInit) {
        if (inFeatures <= 0 || outFeatures <= 0)
            throw new IllegalArgumentException(
                    "Linear: features must be positive, got in=" + inFeatures + " out=" + outFeatures);
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", ctx, weightInit, outFeatures, inFeatures);
        this.bias = bias ? registerParameter("bias", ctx, biasInit, outFeatures) : null;
    }

    private static Init defaultInit(int inFeatures) {
        return Init.uniform(inFeatures > 0 ? 1.0 / Math.sqrt(inFeatures) : 0);
    }

    /** x [..., in] to [..., out]. */
    public Tensor forward(Tensor x) {
        checkInput(x);
        return F.linear(x, weight, bias);
    }

    /**
     * {@code F.gelu(forward(x))} with the bias added inside the GELU kernel ({@link F#biasGelu}):
     * the GEMM runs without the bias, which saves the bias broadcast, a pass over the output and,
     * in the backward, the separate bias-gradient sum. Same parameters, same values.
     */
    public Tensor forwardGelu(Tensor x) {
        checkInput(x);
        Tensor product = F.linear(x, weight, null);
        return bias == null ? F.gelu(product) : F.biasGelu(product, bias);
    }

    private void checkInput(Tensor x) {
        checkOpen();
        if (x.rank() < 1 || x.dim(-1) != inFeatures)
            throw new IllegalArgumentException("Linear(" + inFeatures + " -> " + outFeatures + "): input "
                    + x.describe() + " must end in " + inFeatures + " features, shape " + Arrays.toString(x.shape()));
    }

    public Tensor weight() {
        return weight;
    }

    /** The bias, or null for a layer built without one. */
    public Tensor bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    protected String kind() {
        return "Linear(" + inFeatures + " -> " + outFeatures + ")";
    }
}
