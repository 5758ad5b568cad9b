package io.weakpair.nn;

import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

/** LayerNorm over the last axis with a learnable scale ("weight") and shift ("bias"), as torch.nn.LayerNorm. */
public final class LayerNorm extends Module {
    private final int features;
    private final double eps;
    private final Tensor weight;
    private final Tensor bias;

    /** F32 on the CPU, weight ones and bias zeros. eps: 1e-6 for ViT, 1e-12 for BERT. */
    public LayerNorm(int features, double eps) {
        this(features, eps, DType.F32, Device.CPU);
    }

    public LayerNorm(int features, double eps, DType dtype, Device device) {
        if (features <= 0) throw new IllegalArgumentException("LayerNorm: features must be positive, got " + features);
        if (!(eps > 0)) throw new IllegalArgumentException("LayerNorm: eps must be positive, got " + eps);
        this.features = features;
        this.eps = eps;
        this.weight = registerParameter("weight", Tensor.ones(dtype, device, features));
        this.bias = registerParameter("bias", Tensor.zeros(dtype, device, features));
    }

    /** x [..., features] normalised over its last axis. */
    public Tensor forward(Tensor x) {
        checkOpen();
        if (x.rank() < 1 || x.dim(-1) != features)
            throw new IllegalArgumentException(
                    "LayerNorm(" + features + "): input " + x.describe() + " must end in " + features + " features");
        return F.layerNorm(x, weight, bias, eps);
    }

    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    public double eps() {
        return eps;
    }
}
