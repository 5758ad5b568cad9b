package io.weakpair.loss;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;

/**
 * The similarity logits of docs/method.md (notation), fused in one kernel: S = (f g^T) / tau with f, g the
 * rows of the image and text features divided by max(||row||, 1e-12). Differentiable in the
 * features and the temperature.
 */
public final class Similarity {
    private Similarity() {}

    /** S [N_r, N_c] from image features [N_r, D], text features [N_c, D] and a scalar temperature. */
    public static Tensor logits(Tensor imageFeatures, Tensor textFeatures, Tensor temperature) {
        final String op = "similarity";
        LossChecks.features(op, imageFeatures, textFeatures);
        double tau = LossChecks.temperature(op, temperature, imageFeatures);
        Tensor f = imageFeatures.contiguous(), g = textFeatures.contiguous();
        int nr = f.dim(0), nc = g.dim(0), d = f.dim(1);
        DType dt = f.dtype();
        Tensor unitRows = Tensor.empty(dt, f.device(), nr, d), unitCols = Tensor.empty(dt, f.device(), nc, d);
        Tensor normRows = Tensor.empty(dt, f.device(), nr), normCols = Tensor.empty(dt, f.device(), nc);
        Tensor s = Tensor.empty(dt, f.device(), nr, nc);
        f.backend().similarityForward(f, g, tau, unitRows, unitCols, normRows, normCols, s);
        f.close();
        g.close();
        if (!Autograd.needed(imageFeatures, textFeatures, temperature)) {
            unitRows.close();
            unitCols.close();
            normRows.close();
            normCols.close();
            return s;
        }
        return Autograd.record(
                new Node(op, imageFeatures, textFeatures, temperature) {
                    @Override
                    protected Tensor[] backward(Tensor gs) {
                        Tensor gf = needsGrad(0) ? Tensor.empty(dt, gs.device(), nr, d) : null;
                        Tensor gg = needsGrad(1) ? Tensor.empty(dt, gs.device(), nc, d) : null;
                        Tensor gt = needsGrad(2) ? Tensor.empty(dt, gs.device(), temperature.shape()) : null;
                        gs.backend().similarityBackward(unitRows, unitCols, normRows, normCols, tau, s, gs, gf, gg, gt);
                        return new Tensor[] {gf, gg, gt};
                    }
                }.saving(unitRows, unitCols, normRows, normCols),
                s);
    }
}
