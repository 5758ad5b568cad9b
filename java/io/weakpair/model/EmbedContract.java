package io.weakpair.model;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The numbers of the {@code weakpair embed} contract (docs/model.md): for images, token
 * sequences and optional (image, text) pairs, the model's outputs in eval mode, so that any
 * framework holding the same checkpoint can be compared tensor by tensor.
 */
public final class EmbedContract {
    private EmbedContract() {}

    /** Output names, in the order they are written ({@code itm_logits} only when pairs are given). */
    public static final String[] OUTPUTS = {"image_feat", "text_feat", "image_cls", "text_cls", "itm_logits"};

    /**
     * pixels F32 [B, 3, H, W] at the model's image size; ids and mask I32 [T, L] (mask 1 = token,
     * 0 = padding); pairs null or I32 [P, 2] of (image index, text index). Everything is checked
     * first (ids in the vocabulary, mask values 0/1, pair indices in range), so a bad input is
     * an exception that says what is wrong and where. Returns CPU F32 tensors owned by the caller.
     */
    public static Map<String, Tensor> compute(AlbefModel model, Tensor pixels, Tensor ids, Tensor mask, Tensor pairs) {
        validate(model.config(), pixels, ids, mask, pairs);
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (Inference on = Inference.on(model);
                Scope scope = Scope.open()) {
            Tensor px = pixels.to(model.device()), id = ids.to(model.device()), mk = mask.to(model.device());
            AlbefModel.Encoded image = model.imageFeatures(px), text = model.textFeatures(id, mk);
            Tensor imageTokens = image.tokens(), textHidden = text.tokens();
            out.put("image_feat", keep(scope, image.features()));
            out.put("text_feat", keep(scope, text.features()));
            out.put("image_cls", keep(scope, AlbefModel.cls(imageTokens)));
            out.put("text_cls", keep(scope, AlbefModel.cls(textHidden)));
            if (pairs != null && pairs.dim(0) > 0) {
                int[] p = pairs.toIntArray();
                int n = pairs.dim(0);
                int[] img = new int[n], txt = new int[n];
                for (int i = 0; i < n; i++) {
                    img[i] = p[2 * i];
                    txt[i] = p[2 * i + 1];
                }
                Tensor imgIdx = Tensor.ofInts(img, n).to(model.device()),
                        txtIdx = Tensor.ofInts(txt, n).to(model.device());
                out.put(
                        "itm_logits",
                        keep(
                                scope,
                                model.matchLogits(
                                        AlbefModel.gatherRows(textHidden, txtIdx),
                                        gatherMask(mask, txt).to(model.device()),
                                        AlbefModel.gatherRows(imageTokens, imgIdx))));
            } else if (pairs != null) {
                out.put("itm_logits", scope.keep(Tensor.zeros(DType.F32, 0, 2)));
            }
        } catch (RuntimeException e) {
            out.values().forEach(Tensor::close);
            throw e;
        }
        return out;
    }

    /** A CPU F32 copy that outlives the scope. */
    private static Tensor keep(Scope scope, Tensor t) {
        Tensor c = t.device().isCpu()
                ? t.toDType(DType.F32)
                : t.to(io.weakpair.tensor.Device.CPU).toDType(DType.F32);
        return scope.keep(c.isContiguous() ? c : c.contiguous());
    }

    /** Rows of an I32 [T, L] mask picked by text index. */
    static Tensor gatherMask(Tensor mask, int[] rows) {
        int l = mask.dim(1);
        int[] m = mask.toIntArray(), out = new int[rows.length * l];
        for (int i = 0; i < rows.length; i++) System.arraycopy(m, rows[i] * l, out, i * l, l);
        return Tensor.ofInts(out, rows.length, l);
    }

    private static void validate(ModelConfig c, Tensor pixels, Tensor ids, Tensor mask, Tensor pairs) {
        int[] ps = pixels.shape();
        if (ps.length != 4 || ps[1] != 3)
            throw new IllegalArgumentException("pixel_values must be [B, 3, H, W], got " + Arrays.toString(ps));
        if (ps[2] != c.imageHeight() || ps[3] != c.imageWidth())
            throw new IllegalArgumentException("pixel_values are " + ps[2] + "x" + ps[3] + " but the checkpoint takes "
                    + c.imageHeight() + "x" + c.imageWidth() + " images");
        if (ps[0] < 1) throw new IllegalArgumentException("pixel_values hold no image");
        if (pixels.backend().hasNonFinite(pixels))
            throw new IllegalArgumentException("pixel_values hold NaN or infinite values");
        if (ids.rank() != 2)
            throw new IllegalArgumentException("input_ids must be [T, L], got " + Arrays.toString(ids.shape()));
        if (!Arrays.equals(ids.shape(), mask.shape()))
            throw new IllegalArgumentException("attention_mask " + Arrays.toString(mask.shape())
                    + " must have the shape of input_ids " + Arrays.toString(ids.shape()));
        int t = ids.dim(0), l = ids.dim(1);
        if (t < 1 || l < 1)
            throw new IllegalArgumentException("input_ids hold no text: " + Arrays.toString(ids.shape()));
        if (l > c.maxPositions())
            throw new IllegalArgumentException("input_ids have " + l + " tokens per text, more than the checkpoint's "
                    + c.maxPositions() + " positions");
        int[] id = ids.toIntArray(), mk = mask.toIntArray();
        for (int i = 0; i < id.length; i++) {
            if (id[i] < 0 || id[i] >= c.vocabSize())
                throw new IllegalArgumentException("input_ids[" + i / l + ", " + i % l + "] = " + id[i]
                        + " is outside the vocabulary [0, " + c.vocabSize() + ")");
            if (mk[i] != 0 && mk[i] != 1)
                throw new IllegalArgumentException(
                        "attention_mask[" + i / l + ", " + i % l + "] = " + mk[i] + " (expected 0 or 1)");
        }
        if (pairs == null) return;
        if (pairs.rank() != 2 || pairs.dim(1) != 2)
            throw new IllegalArgumentException(
                    "itm_pairs must be [P, 2] (image index, text index), got " + Arrays.toString(pairs.shape()));
        int[] p = pairs.toIntArray();
        for (int i = 0; i < pairs.dim(0); i++) {
            if (p[2 * i] < 0 || p[2 * i] >= ps[0])
                throw new IllegalArgumentException(
                        "itm_pairs[" + i + "] image index " + p[2 * i] + " is outside [0, " + ps[0] + ")");
            if (p[2 * i + 1] < 0 || p[2 * i + 1] >= t)
                throw new IllegalArgumentException(
                        "itm_pairs[" + i + "] text index " + p[2 * i + 1] + " is outside [0, " + t + ")");
        }
    }
}
