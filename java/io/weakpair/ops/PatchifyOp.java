package io.weakpair.ops;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.Node;
import io.weakpair.tensor.Tensor;

/**
 * ViT patch extraction: images [B, C, H, W] to patches [B, (H/p)(W/p), C*p*p], each patch in
 * (channel, row, column) order, so that a conv weight [W, C, p, p] viewed as [W, C*p*p] and
 * applied with {@link F#linear} is exactly the stride-p patch-embedding convolution.
 */
final class PatchifyOp {
    private PatchifyOp() {}

    static Tensor patchify(Tensor images, int patch) {
        String op = "patchify";
        Check.open(op, images);
        Check.floating(op, images);
        Check.rank(op, images, 4, "images [B, C, H, W]");
        int[] s = images.shape();
        int b = s[0], c = s[1], h = s[2], w = s[3];
        if (patch < 1) throw new IllegalArgumentException(op + ": patch size must be >= 1, got " + patch);
        if (h % patch != 0 || w % patch != 0)
            throw new IllegalArgumentException(op + ": images " + images.describe() + " of " + h + "x" + w
                    + " cannot be cut into " + patch + "x" + patch + " patches (height and width must be multiples of "
                    + patch + ")");
        int[] outShape = {b, (h / patch) * (w / patch), Math.multiplyExact(c, patch * patch)};
        Tensor out = Tensor.empty(images.dtype(), images.device(), outShape);
        try (Tensor ic = images.contiguous()) {
            out.backend().patchify(ic, out, patch);
        }
        if (!Autograd.needed(images)) return out;
        return Autograd.record(
                new Node(op, images) {
                    @Override
                    protected Tensor[] backward(Tensor g) {
                        Tensor gi = Tensor.empty(g.dtype(), g.device(), s);
                        g.backend().unpatchify(g, gi, patch);
                        return new Tensor[] {gi};
                    }
                },
                out);
    }
}
