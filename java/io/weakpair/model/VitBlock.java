package io.weakpair.model;

import io.weakpair.nn.Init;
import io.weakpair.nn.InitContext;
import io.weakpair.nn.LayerNorm;
import io.weakpair.nn.Linear;
import io.weakpair.nn.Module;
import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;

/** A pre-norm ViT block: x + attn(norm1(x)), then x + mlp(norm2(x)), LayerNorm eps 1e-6 (timm's names). */
final class VitBlock extends Module {
    static final double EPS = 1e-6;

    private final LayerNorm norm1;
    private final QkvSelfAttention attn;
    private final LayerNorm norm2;
    private final Mlp mlp;
    private final Regularisation reg;
    private final Recomputation recomputation;

    /** Self-attention with one qkv projection whose output splits as [3, heads, headDim] (timm's layout). */
    static final class QkvSelfAttention extends Module {
        private final int heads;
        final Linear qkv;
        final Linear proj;

        QkvSelfAttention(int width, int heads, InitContext ctx) {
            this.heads = heads;
            qkv = registerModule("qkv", ctx, c -> linear(width, 3 * width, c));
            proj = registerModule("proj", ctx, c -> linear(width, width, c));
        }

        Tensor forward(Tensor x) {
            int b = x.dim(0), n = x.dim(1), w = x.dim(2), dh = w / heads;
            Tensor projected = qkv.forward(x);
            Tensor grouped = F.reshape(projected, b, n, 3, heads, dh);
            Tensor qkvHeads = F.permute(grouped, 2, 0, 3, 1, 4); // [3, B, H, N, Dh]
            Tensor[] slices = new Tensor[3], qkvParts = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                slices[i] = F.slice(qkvHeads, 0, i, i + 1);
                qkvParts[i] = F.reshape(slices[i], b, heads, n, dh);
            }
            Tensor attended = F.attention(qkvParts[0], qkvParts[1], qkvParts[2], null);
            // The projection and its views: attention keeps copies of its own, and no backward here reads them.
            TensorPlumbing.release(projected, grouped, qkvHeads);
            TensorPlumbing.release(slices);
            TensorPlumbing.release(qkvParts);
            return proj.forward(TensorPlumbing.merge(attended));
        }
    }

    /** fc1 (width -> ratio * width), GELU (erf; fc1's bias added in the GELU kernel), fc2. */
    static final class Mlp extends Module {
        final Linear fc1;
        final Linear fc2;

        Mlp(int width, int hidden, InitContext ctx) {
            fc1 = registerModule("fc1", ctx, c -> linear(width, hidden, c));
            fc2 = registerModule("fc2", ctx, c -> linear(hidden, width, c));
        }

        Tensor forward(Tensor x) {
            return fc2.forward(fc1.forwardGelu(x));
        }
    }

    /** timm's ViT initialises every Linear with a truncated normal (std 0.02) and zero bias. */
    static Linear linear(int in, int out, InitContext ctx) {
        return new Linear(in, out, true, ctx, VisionTransformer.TRUNC_NORMAL, Init.zeros());
    }

    VitBlock(int width, int heads, int mlpRatio, Regularisation reg, Recomputation recomputation, InitContext ctx) {
        this.reg = reg;
        this.recomputation = recomputation;
        norm1 = registerModule("norm1", new LayerNorm(width, EPS, ctx.dtype(), ctx.device()));
        attn = registerModule("attn", ctx, c -> new QkvSelfAttention(width, heads, c));
        norm2 = registerModule("norm2", new LayerNorm(width, EPS, ctx.dtype(), ctx.device()));
        mlp = registerModule("mlp", ctx, c -> new Mlp(width, mlpRatio * width, c));
    }

    Tensor forward(Tensor x) {
        boolean training = isTraining();
        // Two recomputation blocks (attention, MLP), as in BertLayer.
        Tensor h = recomputation.block(
                "vit.attn", false, in -> residual(in[0], attn.forward(norm1.forward(in[0])), training), x);
        return recomputation.block(
                "vit.mlp", false, in -> residual(in[0], mlp.forward(norm2.forward(in[0])), training), h);
    }

    /** x + dropPath(branch); the branch is freed at once when no drop-path mask multiplies it (the sum's backward reads neither operand). */
    private Tensor residual(Tensor x, Tensor branch, boolean training) {
        Tensor kept = reg.dropPath(branch, training);
        Tensor sum = F.add(x, kept);
        if (kept == branch) branch.close();
        return sum;
    }
}
