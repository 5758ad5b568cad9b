package io.weakpair.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every number that fixes the shape of the ALBEF-style model (docs/model.md). It travels in a
 * checkpoint's safetensors {@code __metadata__} as strings, so a checkpoint alone says how to
 * build its model: {@link #toMetadata()} and {@link #fromMetadata} are exact inverses.
 *
 * @param preset          the preset this configuration came from ("tiny", "small", "base", or "custom")
 * @param imageHeight     input image height in pixels (a multiple of {@code patchSize})
 * @param imageWidth      input image width in pixels (a multiple of {@code patchSize})
 * @param patchSize       ViT patch side
 * @param visionWidth     ViT hidden width
 * @param visionLayers    ViT blocks
 * @param visionHeads     ViT attention heads
 * @param visionMlpRatio  ViT MLP hidden width / width
 * @param textWidth       BERT hidden width
 * @param textLayers      text-only BERT layers
 * @param fusionLayers    BERT layers with cross-attention to the image tokens
 * @param textHeads       BERT attention heads (self- and cross-attention)
 * @param textIntermediate BERT MLP hidden width
 * @param vocabSize       rows of the word embedding table (and MLM classes)
 * @param maxPositions    rows of the BERT position embedding table
 * @param maxTokens       the tokenizer's sequence length (CLS and SEP included)
 * @param embedDim        width of the contrastive features F and G
 * @param mlmTied         whether the MLM decoder shares its weight with the word embeddings (as BERT does)
 */
public record ModelConfig(String preset, int imageHeight, int imageWidth, int patchSize,
                          int visionWidth, int visionLayers, int visionHeads, int visionMlpRatio,
                          int textWidth, int textLayers, int fusionLayers, int textHeads, int textIntermediate,
                          int vocabSize, int maxPositions, int maxTokens, int embedDim, boolean mlmTied) {

    /** The value of the {@code format} metadata key: what kind of checkpoint this is. */
    public static final String FORMAT = "weakpair-albef";
    public static final String FORMAT_VERSION = "1";
    public static final List<String> PRESETS = List.of("tiny", "small", "base");

    public ModelConfig {
        if (preset == null || preset.isBlank()) throw new IllegalArgumentException("model config: preset name is empty");
        positive("image_height", imageHeight);
        positive("image_width", imageWidth);
        positive("patch_size", patchSize);
        positive("vision_width", visionWidth);
        nonNegative("vision_layers", visionLayers);
        positive("vision_heads", visionHeads);
        positive("vision_mlp_ratio", visionMlpRatio);
        positive("text_width", textWidth);
        nonNegative("text_layers", textLayers);
        nonNegative("fusion_layers", fusionLayers);
        positive("text_heads", textHeads);
        positive("text_intermediate", textIntermediate);
        positive("vocab_size", vocabSize);
        positive("max_positions", maxPositions);
        positive("max_tokens", maxTokens);
        positive("embed_dim", embedDim);
        if (fusionLayers < 1) throw new IllegalArgumentException("model config: fusion_layers must be at least 1 (ITM and MLM need it)");
        if (imageHeight % patchSize != 0 || imageWidth % patchSize != 0)
            throw new IllegalArgumentException("model config: image " + imageHeight + "x" + imageWidth
                    + " is not a whole number of " + patchSize + "-pixel patches");
        if (visionWidth % visionHeads != 0)
            throw new IllegalArgumentException("model config: vision_width " + visionWidth + " is not divisible by vision_heads " + visionHeads);
        if (textWidth % textHeads != 0)
            throw new IllegalArgumentException("model config: text_width " + textWidth + " is not divisible by text_heads " + textHeads);
        if (maxTokens < 2) throw new IllegalArgumentException("model config: max_tokens " + maxTokens + " leaves no room for [CLS] and [SEP]");
        if (maxTokens > maxPositions)
            throw new IllegalArgumentException("model config: max_tokens " + maxTokens + " exceeds max_positions " + maxPositions);
    }

    /**
     * A named preset. {@code tiny} trains in minutes on a 2-core CPU; {@code small} is the
     * same architecture wider and deeper; {@code base} is the published ViT-B/16 + BERT-base.
     * The vocabulary size is the preset's default; a tokenizer's vocabulary replaces it
     * ({@link #withVocabSize}).
     */
    public static ModelConfig preset(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "tiny" -> new ModelConfig("tiny", 128, 48, 16, 128, 2, 4, 4, 128, 2, 2, 4, 512, 4096, 32, 32, 128, true);
            case "small" -> new ModelConfig("small", 192, 64, 16, 256, 4, 4, 4, 256, 3, 3, 4, 1024, 8192, 40, 40, 256, true);
            case "base" -> new ModelConfig("base", 384, 128, 16, 768, 12, 12, 4, 768, 6, 6, 12, 3072, 30522, 512, 50, 256, true);
            default -> throw new IllegalArgumentException("unknown model preset '" + name + "' (expected one of " + PRESETS + ")");
        };
    }

    public ModelConfig withVocabSize(int size) {
        return new ModelConfig(preset, imageHeight, imageWidth, patchSize, visionWidth, visionLayers, visionHeads, visionMlpRatio,
                textWidth, textLayers, fusionLayers, textHeads, textIntermediate, size, maxPositions, maxTokens, embedDim, mlmTied);
    }

    public ModelConfig withImageSize(int height, int width) {
        return new ModelConfig(preset, height, width, patchSize, visionWidth, visionLayers, visionHeads, visionMlpRatio,
                textWidth, textLayers, fusionLayers, textHeads, textIntermediate, vocabSize, maxPositions, maxTokens, embedDim, mlmTied);
    }

    public ModelConfig withMaxTokens(int tokens) {
        return new ModelConfig(preset, imageHeight, imageWidth, patchSize, visionWidth, visionLayers, visionHeads, visionMlpRatio,
                textWidth, textLayers, fusionLayers, textHeads, textIntermediate, vocabSize, maxPositions, tokens, embedDim, mlmTied);
    }

    public int patchRows() { return imageHeight / patchSize; }

    public int patchColumns() { return imageWidth / patchSize; }

    /** Image tokens: one per patch plus the CLS token. */
    public int imageTokens() { return patchRows() * patchColumns() + 1; }

    public int totalTextLayers() { return textLayers + fusionLayers; }

    /** The configuration as safetensors metadata (every value a string). */
    public Map<String, String> toMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", FORMAT_VERSION);
        m.put("preset", preset);
        m.put("image_height", Integer.toString(imageHeight));
        m.put("image_width", Integer.toString(imageWidth));
        m.put("patch_size", Integer.toString(patchSize));
        m.put("vision_width", Integer.toString(visionWidth));
        m.put("vision_layers", Integer.toString(visionLayers));
        m.put("vision_heads", Integer.toString(visionHeads));
        m.put("vision_mlp_ratio", Integer.toString(visionMlpRatio));
        m.put("text_width", Integer.toString(textWidth));
        m.put("text_layers", Integer.toString(textLayers));
        m.put("fusion_layers", Integer.toString(fusionLayers));
        m.put("text_heads", Integer.toString(textHeads));
        m.put("text_intermediate", Integer.toString(textIntermediate));
        m.put("vocab_size", Integer.toString(vocabSize));
        m.put("max_positions", Integer.toString(maxPositions));
        m.put("max_tokens", Integer.toString(maxTokens));
        m.put("embed_dim", Integer.toString(embedDim));
        m.put("mlm_tied", Boolean.toString(mlmTied));
        return m;
    }

    /**
     * Reads the configuration from checkpoint metadata; {@code where} names the file for messages.
     * A missing key, a value that is not a number, or another format is an error naming the key.
     */
    public static ModelConfig fromMetadata(Map<String, String> m, String where) {
        String format = m.get("format");
        if (format == null)
            throw new IllegalArgumentException(where + ": not a weakpair model checkpoint (its metadata has no 'format'; "
                    + "convert ALBEF/RaSa weights with bench/pytorch/convert_albef.py)");
        if (!FORMAT.equals(format))
            throw new IllegalArgumentException(where + ": metadata 'format' is '" + format + "', expected '" + FORMAT + "'");
        String version = m.get("format_version");
        if (version != null && !FORMAT_VERSION.equals(version))
            throw new IllegalArgumentException(where + ": metadata 'format_version' is '" + version + "', this build reads " + FORMAT_VERSION);
        try {
            return new ModelConfig(m.getOrDefault("preset", "custom"),
                    integer(m, "image_height", where), integer(m, "image_width", where), integer(m, "patch_size", where),
                    integer(m, "vision_width", where), integer(m, "vision_layers", where), integer(m, "vision_heads", where),
                    integer(m, "vision_mlp_ratio", where),
                    integer(m, "text_width", where), integer(m, "text_layers", where), integer(m, "fusion_layers", where),
                    integer(m, "text_heads", where), integer(m, "text_intermediate", where),
                    integer(m, "vocab_size", where), integer(m, "max_positions", where), integer(m, "max_tokens", where),
                    integer(m, "embed_dim", where), bool(m, "mlm_tied", where));
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(where)) throw e;
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static int integer(Map<String, String> m, String key, String where) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException(where + ": metadata key '" + key + "' is missing");
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": metadata '" + key + "' is '" + v + "', not a whole number");
        }
    }

    private static boolean bool(Map<String, String> m, String key, String where) {
        String v = m.get(key);
        if (v == null) throw new IllegalArgumentException(where + ": metadata key '" + key + "' is missing");
        if (v.equals("true")) return true;
        if (v.equals("false")) return false;
        throw new IllegalArgumentException(where + ": metadata '" + key + "' is '" + v + "', expected true or false");
    }

    private static void positive(String key, int v) {
        if (v <= 0) throw new IllegalArgumentException("model config: " + key + " must be positive, got " + v);
    }

    private static void nonNegative(String key, int v) {
        if (v < 0) throw new IllegalArgumentException("model config: " + key + " must not be negative, got " + v);
    }

    /** One line for logs: the preset and its main sizes. */
    public String summary() {
        return String.format(Locale.ROOT, "%s: image %dx%d/%d, ViT %dx%d (%d heads), BERT %d+%d x%d (%d heads), vocab %d, %d tokens, embed %d",
                preset, imageHeight, imageWidth, patchSize, visionLayers, visionWidth, visionHeads, textLayers, fusionLayers, textWidth,
                textHeads, vocabSize, maxTokens, embedDim);
    }
}
