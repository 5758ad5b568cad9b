package io.weakpair.model;

import io.weakpair.nn.Init;
import io.weakpair.nn.InitContext;
import io.weakpair.nn.LayerNorm;
import io.weakpair.nn.Linear;
import io.weakpair.nn.Module;
import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;

/**
 * The small modules a BERT layer is made of, under HuggingFace's names (what ALBEF's
 * checkpoints use): attention {@code self} (query, key, value), the {@code output} sub-layers
 * (dense, then LayerNorm of the residual sum), and {@code intermediate} (dense + GELU).
 */
final class BertParts {
    private BertParts() {}

    static final double EPS = 1e-12;

    /** BERT initialises every Linear with N(0, 0.02^2) and a zero bias. */
    static Linear linear(int in, int out, InitContext ctx) {
        return new Linear(in, out, true, ctx, Init.normal(0.02), Init.zeros());
    }

    /**
     * Multi-head attention projections: queries from the text (width), keys and values from
     * {@code kvWidth} (the text itself, or the image tokens in cross-attention).
     */
    static final class SelfAttention extends Module {
        private final int heads;
        final Linear query;
        final Linear key;
        final Linear value;

        SelfAttention(int width, int kvWidth, int heads, InitContext ctx) {
            this.heads = heads;
            query = registerModule("query", ctx, c -> linear(width, width, c));
            key = registerModule("key", ctx, c -> linear(kvWidth, width, c));
            value = registerModule("value", ctx, c -> linear(kvWidth, width, c));
        }

        /** x [B, Lq, W] attends to kv [B, Lk, kvWidth]; keyMask null or I32 [B, Lk]. Returns [B, Lq, W]. */
        Tensor forward(Tensor x, Tensor kv, Tensor keyMask) {
            Tensor qp = query.forward(x), kp = key.forward(kv), vp = value.forward(kv);
            Tensor q = TensorPlumbing.split(qp, heads),
                    k = TensorPlumbing.split(kp, heads),
                    v = TensorPlumbing.split(vp, heads);
            Tensor attended = F.attention(q, k, v, keyMask);
            TensorPlumbing.release(qp, kp, vp, q, k, v); // the linear and view backwards read none of them
            return TensorPlumbing.merge(attended);
        }
    }

    /** dense, dropout, then LayerNorm(residual + that): BertSelfOutput and BertOutput. */
    static final class AddNorm extends Module {
        final Linear dense;
        final LayerNorm layerNorm;
        private final Regularisation reg;

        AddNorm(int in, int width, Regularisation reg, InitContext ctx) {
            this.reg = reg;
            dense = registerModule("dense", ctx, c -> linear(in, width, c));
            layerNorm = registerModule("LayerNorm", new LayerNorm(width, EPS, ctx.dtype(), ctx.device()));
        }

        Tensor forward(Tensor h, Tensor residual) {
            Tensor projected = dense.forward(h);
            Tensor dropped = reg.dropout(projected, isTraining());
            Tensor sum = F.add(residual, dropped);
            // Neither the sum's nor dropout's backward reads these (dropout redraws its mask from its seed).
            TensorPlumbing.release(projected, dropped);
            return layerNorm.forward(sum);
        }
    }

    /** Post-norm attention: {@code self} then {@code output}: LN(x + dense(attention(x, kv))). */
    static final class PostNormAttention extends Module {
        final SelfAttention self;
        final AddNorm output;

        PostNormAttention(int width, int kvWidth, int heads, Regularisation reg, InitContext ctx) {
            self = registerModule("self", ctx, c -> new SelfAttention(width, kvWidth, heads, c));
            output = registerModule("output", ctx, c -> new AddNorm(width, width, reg, c));
        }

        Tensor forward(Tensor x, Tensor kv, Tensor keyMask) {
            return output.forward(self.forward(x, kv, keyMask), x);
        }
    }

    /** dense (width -> intermediate) and GELU (erf; the bias added in the GELU kernel). */
    static final class Intermediate extends Module {
        final Linear dense;

        Intermediate(int width, int hidden, InitContext ctx) {
            dense = registerModule("dense", ctx, c -> linear(width, hidden, c));
        }

        Tensor forward(Tensor x) {
            return dense.forwardGelu(x);
        }
    }
}
