package io.weakpair.model;

import io.weakpair.loss.Temperature;
import io.weakpair.nn.Init;
import io.weakpair.nn.InitContext;
import io.weakpair.nn.Linear;
import io.weakpair.nn.Module;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The ALBEF-style model (docs/model.md): a ViT image encoder, a BERT text encoder whose last
 * layers fuse text with image tokens, projections to the contrastive space, the ITM head, the
 * MLM head and the learnable temperature, under ALBEF's {@code state_dict} names so that
 * converted ALBEF/RaSa weights load directly.
 *
 * <p>The pieces are exposed separately, since training and evaluation combine them
 * differently: images and texts are encoded once, their CLS tokens projected for the
 * contrastive loss, and the fusion encoder runs on chosen (image, text) pairs. What retrieval
 * compares is composed here once: {@link #imageFeatures}, {@link #textFeatures} (the unit-length
 * features with the tokens they came from) and {@link #matchScores} / {@link #matchLogits}
 * (the ITM head on pairs); evaluation, search and the embed contract use those.
 */
public final class AlbefModel extends Module {
    private final ModelConfig config;
    private final DType dtype;
    private final Device device;
    private final Regularisation regularisation = new Regularisation();
    private final Recomputation recomputation = new Recomputation(regularisation);
    private final VisionTransformer visualEncoder;
    private final TextEncoder textEncoder;
    private final Linear visionProj;
    private final Linear textProj;
    private final Linear itmHead;
    private final Tensor temp;

    /** A freshly initialised model (BERT's and timm's initialisation, seeded per parameter name). */
    public AlbefModel(ModelConfig config, long seed, DType dtype, Device device) {
        this(config, new InitContext(seed, checkDtype(dtype), device));
    }

    /**
     * The same from an init context: every part is seeded by its registered name under
     * {@code ctx.seed()} (docs/model.md), so the parameters depend on the seed and the names only.
     */
    public AlbefModel(ModelConfig config, InitContext ctx) {
        if (config == null) throw new IllegalArgumentException("AlbefModel: config is null");
        this.config = config;
        this.dtype = ctx.dtype();
        this.device = ctx.device();
        visualEncoder = registerModule(
                "visual_encoder", ctx, in -> new VisionTransformer(config, regularisation, recomputation, in));
        textEncoder =
                registerModule("text_encoder", ctx, in -> new TextEncoder(config, regularisation, recomputation, in));
        // ALBEF leaves these three with PyTorch's default Linear initialisation.
        visionProj =
                registerModule("vision_proj", ctx, in -> new Linear(config.visionWidth(), config.embedDim(), true, in));
        textProj = registerModule("text_proj", ctx, in -> new Linear(config.textWidth(), config.embedDim(), true, in));
        itmHead = registerModule("itm_head", ctx, in -> new Linear(config.textWidth(), 2, true, in));
        temp = registerParameter("temp", ctx, Init.constant(Temperature.INITIAL));
    }

    private static DType checkDtype(DType dtype) {
        if (dtype == null || !dtype.isFloating())
            throw new IllegalArgumentException("AlbefModel: dtype must be floating, got " + dtype);
        return dtype;
    }

    public ModelConfig config() {
        return config;
    }

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return device;
    }

    /** Dropout and drop-path settings (off unless configured; always off in eval mode). */
    public Regularisation regularisation() {
        return regularisation;
    }

    /** Which layers recompute their activations in backward (none unless set): memory for time. */
    public Recomputation recomputation() {
        return recomputation;
    }

    /** The learnable temperature tau, shape []. */
    public Tensor temperature() {
        return temp;
    }

    // ---------------------------------------------------------------- parameter sets (what the optimiser treats apart)

    /**
     * The parameters that take no weight decay, as timm and BERT leave them out: every vector
     * (biases, LayerNorm gains and shifts, the temperature), the ViT's position embeddings and its
     * CLS token. A set by identity: the optimiser's groups look each parameter up in it.
     */
    public Set<Tensor> noWeightDecay() {
        Set<Tensor> out = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Tensor p : namedParameters().values()) if (p.rank() <= 1) out.add(p);
        out.addAll(visualEncoder.noWeightDecay());
        return Collections.unmodifiableSet(out);
    }

    /**
     * The heads, trained at their own learning rate over the encoders': the two projections to
     * the contrastive space, the ITM head and the temperature. A set by identity.
     */
    public Set<Tensor> headParameters() {
        Set<Tensor> out = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Module head : List.of(visionProj, textProj, itmHead))
            out.addAll(head.namedParameters().values());
        out.add(temp);
        return Collections.unmodifiableSet(out);
    }

    // ---------------------------------------------------------------- encoders

    /** images F32 [B, 3, H, W], normalised, at the configured size: every image token [B, 1 + patches, W_v]. */
    public Tensor encodeImages(Tensor images) {
        checkOpen();
        return visualEncoder.forward(images);
    }

    /** ids and mask I32 [T, L] (mask 1 = token, 0 = padding): the text-only hidden states [T, L, W_t]. */
    public Tensor encodeText(Tensor ids, Tensor mask) {
        checkOpen();
        checkText(ids, mask);
        return textEncoder.encodeText(ids, mask);
    }

    /** vision_proj of the image CLS token: F of docs/method.md, [B, E] before normalisation. */
    public Tensor imageProjection(Tensor imageTokens) {
        return visionProj.forward(TensorPlumbing.first(imageTokens));
    }

    /** text_proj of the text CLS token: G, [T, E] before normalisation. */
    public Tensor textProjection(Tensor textHidden) {
        return textProj.forward(TensorPlumbing.first(textHidden));
    }

    /** The CLS token's output, [B, W]. */
    public static Tensor cls(Tensor tokens) {
        return TensorPlumbing.first(tokens);
    }

    // ---------------------------------------------------------------- features (what retrieval compares)

    /**
     * One encoder pass and its features: {@code tokens} every output token (image tokens
     * [B, 1 + patches, W_v], or the text-only hidden states [T, L, W_t]), which the fusion
     * encoder takes, and {@code features} the L2-normalised projection of the CLS token [B, E],
     * the unit vectors the ITC similarity compares (docs/method.md).
     */
    public record Encoded(Tensor tokens, Tensor features) {}

    /** images as for {@link #encodeImages}: their tokens and unit-length features, from one forward pass. */
    public Encoded imageFeatures(Tensor images) {
        Tensor tokens = encodeImages(images);
        return new Encoded(tokens, F.l2Normalize(imageProjection(tokens)));
    }

    /** ids and mask as for {@link #encodeText}: the hidden states and unit-length features, from one forward pass. */
    public Encoded textFeatures(Tensor ids, Tensor mask) {
        Tensor hidden = encodeText(ids, mask);
        return new Encoded(hidden, F.l2Normalize(textProjection(hidden)));
    }

    // ---------------------------------------------------------------- fusion and heads

    /**
     * The fusion encoder on P (text, image) pairs already lined up row by row: text hidden
     * [P, L, W_t] with mask [P, L], image tokens [P, N, W_v]. Returns [P, L, W_t].
     */
    public Tensor fuse(Tensor textHidden, Tensor mask, Tensor imageTokens) {
        checkOpen();
        if (textHidden.rank() != 3 || imageTokens.rank() != 3 || textHidden.dim(0) != imageTokens.dim(0))
            throw new IllegalArgumentException("fusion: text " + textHidden.describe() + " and image tokens "
                    + imageTokens.describe() + " must be [P, L, W] and [P, N, W_v] with the same P");
        return textEncoder.fuse(textHidden, mask, imageTokens);
    }

    /** itm_head on the fusion CLS: [P, 2] logits (class 1 = match). */
    public Tensor itmLogits(Tensor fused) {
        return itmHead.forward(TensorPlumbing.first(fused));
    }

    /** ITM logits [P, 2] of P pairs lined up row by row, from their text hidden states (as for {@link #fuse}). */
    public Tensor matchLogits(Tensor textHidden, Tensor mask, Tensor imageTokens) {
        return itmLogits(fuse(textHidden, mask, imageTokens));
    }

    /**
     * The ITM match score of P (text, image) pairs lined up row by row, what re-ranking sorts
     * by: the match minus the no-match logit of each pair, float[P] on the host. ids and mask
     * I32 [P, L] are encoded here; imageTokens [P, N, W_v] are the pairs' image tokens (an
     * {@link Encoded#tokens()}, rows picked with {@link #gatherRows} where images repeat).
     */
    public float[] matchScores(Tensor ids, Tensor mask, Tensor imageTokens) {
        float[] logits = matchLogits(encodeText(ids, mask), mask, imageTokens).toFloatArray();
        float[] scores = new float[logits.length / 2];
        for (int p = 0; p < scores.length; p++) scores[p] = logits[2 * p + 1] - logits[2 * p];
        return scores;
    }

    /** MLM logits [..., V] of fused hidden states [..., W_t] (pass only the masked positions to save the decoder's work). */
    public Tensor mlmLogits(Tensor fusedHidden) {
        return textEncoder.mlmLogits(fusedHidden);
    }

    /**
     * Rows {@code index} of x [B, ...] as [P, ...], differentiable (an embedding lookup of the
     * flattened rows): how the fusion encoder gets the images and texts of mined pairs.
     */
    public static Tensor gatherRows(Tensor x, Tensor index) {
        int[] shape = x.shape();
        int rowSize = Math.toIntExact(x.numel() / Math.max(1, shape[0]));
        Tensor rows = F.embedding(F.reshape(x, shape[0], rowSize), index);
        shape[0] = index.dim(0);
        return F.reshape(rows, shape);
    }

    private void checkText(Tensor ids, Tensor mask) {
        if (ids.rank() != 2
                || mask == null
                || mask.rank() != 2
                || ids.dim(0) != mask.dim(0)
                || ids.dim(1) != mask.dim(1))
            throw new IllegalArgumentException("text encoder: ids " + ids.describe() + " and mask "
                    + (mask == null ? "null" : mask.describe()) + " must both be I32 [texts, length]");
        if (ids.dim(1) > config.maxPositions())
            throw new IllegalArgumentException("text encoder: length " + ids.dim(1) + " exceeds the model's "
                    + config.maxPositions() + " positions");
        if (ids.dim(1) < 1)
            throw new IllegalArgumentException("text encoder: ids " + ids.describe() + " have no tokens");
    }

    @Override
    protected String kind() {
        return "AlbefModel(" + config.preset() + ")";
    }
}
