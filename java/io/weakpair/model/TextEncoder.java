package io.weakpair.model;

import io.weakpair.nn.Embedding;
import io.weakpair.nn.Init;
import io.weakpair.nn.InitContext;
import io.weakpair.nn.LayerNorm;
import io.weakpair.nn.Linear;
import io.weakpair.nn.Module;
import io.weakpair.nn.ModuleList;
import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;

/**
 * ALBEF's {@code text_encoder}: a BERT ({@code bert.embeddings}, {@code bert.encoder.layer.N})
 * whose first {@code textLayers} layers read the text alone and whose last
 * {@code fusionLayers} also cross-attend to the image, and the masked-language-model head
 * ({@code cls.predictions}).
 */
public final class TextEncoder extends Module {
    private final ModelConfig config;
    private final Bert bert;
    private final Cls cls;

    /** {@code bert}: the embeddings and the layer stack. */
    static final class Bert extends Module {
        final Embeddings embeddings;
        final Encoder encoder;

        Bert(ModelConfig c, Regularisation reg, Recomputation recomputation, InitContext ctx) {
            embeddings = registerModule("embeddings", ctx, in -> new Embeddings(c, reg, in));
            encoder = registerModule("encoder", ctx, in -> new Encoder(c, reg, recomputation, in));
        }
    }

    /** Word + position + token type (always type 0), LayerNorm, dropout. */
    static final class Embeddings extends Module {
        final Embedding wordEmbeddings;
        final Embedding positionEmbeddings;
        final Embedding tokenTypeEmbeddings;
        final LayerNorm layerNorm;
        private final Regularisation reg;

        Embeddings(ModelConfig c, Regularisation reg, InitContext ctx) {
            this.reg = reg;
            int w = c.textWidth();
            Init init = Init.normal(0.02);
            // The one exception to "seeded by the registered name": these three tables have always drawn from
            // the labels "word", "position" and "token_type". Seeding them by their names would change every
            // fresh model's embeddings (InitFingerprintTest pins them), so the old labels stay.
            wordEmbeddings =
                    registerModule("word_embeddings", new Embedding(c.vocabSize(), w, ctx.child("word"), init));
            positionEmbeddings = registerModule(
                    "position_embeddings", new Embedding(c.maxPositions(), w, ctx.child("position"), init));
            tokenTypeEmbeddings =
                    registerModule("token_type_embeddings", new Embedding(2, w, ctx.child("token_type"), init));
            layerNorm = registerModule("LayerNorm", new LayerNorm(w, BertParts.EPS, ctx.dtype(), ctx.device()));
        }

        /** ids I32 [B, L] to [B, L, W]. */
        Tensor forward(Tensor ids) {
            int l = ids.dim(1), w = wordEmbeddings.dim();
            // Positions 0..L-1 and token type 0 are the same for every row: add them once as [L, W] and [W], broadcast.
            Tensor positions = F.slice(positionEmbeddings.weight(), 0, 0, l);
            Tensor type0 = F.reshape(F.slice(tokenTypeEmbeddings.weight(), 0, 0, 1), w);
            Tensor x = F.add(F.add(wordEmbeddings.forward(ids), positions), type0);
            return reg.dropout(layerNorm.forward(x), isTraining());
        }
    }

    /** {@code encoder.layer}: the text-only layers, then the fusion layers. */
    static final class Encoder extends Module {
        final ModuleList<BertLayer> layer;

        Encoder(ModelConfig c, Regularisation reg, Recomputation recomputation, InitContext ctx) {
            layer = registerList(
                    "layer",
                    c.totalTextLayers(),
                    ctx,
                    (i, in) -> new BertLayer(c, i >= c.textLayers(), reg, recomputation, in));
        }
    }

    /** {@code cls.predictions}: transform (dense, GELU, LayerNorm), decoder to the vocabulary, and its bias. */
    static final class Cls extends Module {
        final Predictions predictions;

        Cls(ModelConfig c, Embedding words, InitContext ctx) {
            predictions = registerModule("predictions", ctx, in -> new Predictions(c, words, in));
        }
    }

    static final class Predictions extends Module {
        final Transform transform;
        final Decoder decoder;
        final Tensor bias;

        Predictions(ModelConfig c, Embedding words, InitContext ctx) {
            transform = registerModule("transform", ctx, in -> new Transform(c.textWidth(), in));
            decoder = registerModule("decoder", ctx, in -> new Decoder(c, words, in));
            bias = registerParameter("bias", ctx, Init.zeros(), c.vocabSize());
        }

        /** hidden [..., W] to vocabulary logits [..., V]. */
        Tensor forward(Tensor hidden) {
            return F.linear(transform.forward(hidden), decoder.weight, bias);
        }
    }

    static final class Transform extends Module {
        final Linear dense;
        final LayerNorm layerNorm;

        Transform(int width, InitContext ctx) {
            dense = registerModule("dense", ctx, in -> BertParts.linear(width, width, in));
            layerNorm = registerModule("LayerNorm", new LayerNorm(width, BertParts.EPS, ctx.dtype(), ctx.device()));
        }

        Tensor forward(Tensor x) {
            return layerNorm.forward(dense.forwardGelu(x));
        }
    }

    /** The decoder's weight [V, W]: BERT ties it to the word embeddings (one tensor under both names). */
    static final class Decoder extends Module {
        final Tensor weight;

        Decoder(ModelConfig c, Embedding words, InitContext ctx) {
            weight = c.mlmTied()
                    ? registerParameter("weight", words.weight())
                    : registerParameter("weight", ctx, Init.normal(0.02), c.vocabSize(), c.textWidth());
        }
    }

    TextEncoder(ModelConfig c, Regularisation reg, Recomputation recomputation, InitContext ctx) {
        this.config = c;
        bert = registerModule("bert", ctx, in -> new Bert(c, reg, recomputation, in));
        Embedding words = bert.embeddings.wordEmbeddings;
        cls = registerModule("cls", ctx, in -> new Cls(c, words, in));
    }

    /** The text-only stack: ids and mask I32 [B, L] to hidden states [B, L, W]. */
    public Tensor encodeText(Tensor ids, Tensor mask) {
        checkOpen();
        Tensor x = bert.embeddings.forward(ids);
        for (BertLayer layer : bert.encoder.layer) {
            if (layer.isFusion()) break;
            x = layer.forward(x, mask, null);
        }
        return x;
    }

    /** The fusion stack on text hidden states [B, L, W] (mask [B, L]) and image tokens [B, N, W_v]: [B, L, W]. */
    public Tensor fuse(Tensor textHidden, Tensor mask, Tensor imageTokens) {
        checkOpen();
        Tensor x = textHidden;
        for (BertLayer layer : bert.encoder.layer) if (layer.isFusion()) x = layer.forward(x, mask, imageTokens);
        return x;
    }

    /** MLM logits [..., V] of fused hidden states [..., W]. */
    public Tensor mlmLogits(Tensor fusedHidden) {
        checkOpen();
        return cls.predictions.forward(fusedHidden);
    }

    public Tensor wordEmbeddings() {
        return bert.embeddings.wordEmbeddings.weight();
    }

    ModelConfig config() {
        return config;
    }
}
