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
public record ModelConfig(
        String preset,
        int imageHeight,
        int imageWidth,
        int patchSize,
        int visionWidth,
        int visionLayers,
        int visionHeads,
        int visionMlpRatio,
        int textWidth,
        int textLayers,
        int fusionLayers,
        int textHeads,
        int textIntermediate,
        int vocabSize,
        int maxPositions,
        int maxTokens,
        int embedDim,
        boolean mlmTied) {

    /** The value of the {@code format} metadata key: what kind of checkpoint this is. */
    public static final String FORMAT = "weakpair-albef";

    public static final String FORMAT_VERSION = "1";
    public static final List<String> PRESETS = List.of("tiny", "small", "base");

    public ModelConfig {
        if (preset == null || preset.isBlank())
            throw new IllegalArgumentException("model config: preset name is empty");
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
        if (fusionLayers < 1)
            throw new IllegalArgumentException("model config: fusion_layers must be at least 1 (ITM and MLM need it)");
        if (imageHeight % patchSize != 0 || imageWidth % patchSize != 0)
            throw new IllegalArgumentException("model config: image " + imageHeight + "x" + imageWidth
                    + " is not a whole number of " + patchSize + "-pixel patches");
        if (visionWidth % visionHeads != 0)
            throw new IllegalArgumentException(
                    "model config: vision_width " + visionWidth + " is not divisible by vision_heads " + visionHeads);
        if (textWidth % textHeads != 0)
            throw new IllegalArgumentException(
                    "model config: text_width " + textWidth + " is not divisible by text_heads " + textHeads);
        if (maxTokens < 2)
            throw new IllegalArgumentException(
                    "model config: max_tokens " + maxTokens + " leaves no room for [CLS] and [SEP]");
        if (maxTokens > maxPositions)
            throw new IllegalArgumentException(
                    "model config: max_tokens " + maxTokens + " exceeds max_positions " + maxPositions);
    }

    /**
     * A named preset. {@code tiny} trains in minutes on a 2-core CPU; {@code small} is the
     * same architecture wider and deeper; {@code base} is the published ViT-B/16 + BERT-base.
     * The vocabulary size is the preset's default; a tokenizer's vocabulary replaces it
     * ({@link #withVocabSize}).
     */
    public static ModelConfig preset(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "tiny" ->
                builder("tiny")
                        .image(128, 48)
                        .patchSize(16)
                        .visionWidth(128)
                        .visionLayers(2)
                        .visionHeads(4)
                        .visionMlpRatio(4)
                        .textWidth(128)
                        .textLayers(2)
                        .fusionLayers(2)
                        .textHeads(4)
                        .textIntermediate(512)
                        .vocabSize(4096)
                        .maxPositions(32)
                        .maxTokens(32)
                        .embedDim(128)
                        .mlmTied(true)
                        .build();
            case "small" ->
                builder("small")
                        .image(192, 64)
                        .patchSize(16)
                        .visionWidth(256)
                        .visionLayers(4)
                        .visionHeads(4)
                        .visionMlpRatio(4)
                        .textWidth(256)
                        .textLayers(3)
                        .fusionLayers(3)
                        .textHeads(4)
                        .textIntermediate(1024)
                        .vocabSize(8192)
                        .maxPositions(40)
                        .maxTokens(40)
                        .embedDim(256)
                        .mlmTied(true)
                        .build();
            // ViT-B/16 and BERT-base, as ALBEF.
            case "base" ->
                builder("base")
                        .image(384, 128)
                        .patchSize(16)
                        .visionWidth(768)
                        .visionLayers(12)
                        .visionHeads(12)
                        .visionMlpRatio(4)
                        .textWidth(768)
                        .textLayers(6)
                        .fusionLayers(6)
                        .textHeads(12)
                        .textIntermediate(3072)
                        .vocabSize(30522)
                        .maxPositions(512)
                        .maxTokens(50)
                        .embedDim(256)
                        .mlmTied(true)
                        .build();
            default ->
                throw new IllegalArgumentException(
                        "unknown model preset '" + name + "' (expected one of " + PRESETS + ")");
        };
    }

    public ModelConfig withVocabSize(int size) {
        return toBuilder().vocabSize(size).build();
    }

    public ModelConfig withImageSize(int height, int width) {
        return toBuilder().image(height, width).build();
    }

    public ModelConfig withMaxTokens(int tokens) {
        return toBuilder().maxTokens(tokens).build();
    }

    /** A configuration field by field, by name: what the presets and the {@code with*} copies are written with. */
    public static Builder builder(String preset) {
        return new Builder(preset);
    }

    /** A builder holding this configuration's values. */
    public Builder toBuilder() {
        return builder(preset)
                .image(imageHeight, imageWidth)
                .patchSize(patchSize)
                .visionWidth(visionWidth)
                .visionLayers(visionLayers)
                .visionHeads(visionHeads)
                .visionMlpRatio(visionMlpRatio)
                .textWidth(textWidth)
                .textLayers(textLayers)
                .fusionLayers(fusionLayers)
                .textHeads(textHeads)
                .textIntermediate(textIntermediate)
                .vocabSize(vocabSize)
                .maxPositions(maxPositions)
                .maxTokens(maxTokens)
                .embedDim(embedDim)
                .mlmTied(mlmTied);
    }

    /** Named setters for the record's fields; {@link #build} validates as the constructor does (every field must be set). */
    public static final class Builder {
        private final String preset;
        private int imageHeight,
                imageWidth,
                patchSize,
                visionWidth,
                visionLayers,
                visionHeads,
                visionMlpRatio,
                textWidth,
                textLayers,
                fusionLayers,
                textHeads,
                textIntermediate,
                vocabSize,
                maxPositions,
                maxTokens,
                embedDim;
        private boolean mlmTied;

        private Builder(String preset) {
            this.preset = preset;
        }

        public Builder image(int height, int width) {
            imageHeight = height;
            imageWidth = width;
            return this;
        }

        public Builder patchSize(int v) {
            patchSize = v;
            return this;
        }

        public Builder visionWidth(int v) {
            visionWidth = v;
            return this;
        }

        public Builder visionLayers(int v) {
            visionLayers = v;
            return this;
        }

        public Builder visionHeads(int v) {
            visionHeads = v;
            return this;
        }

        public Builder visionMlpRatio(int v) {
            visionMlpRatio = v;
            return this;
        }

        public Builder textWidth(int v) {
            textWidth = v;
            return this;
        }

        public Builder textLayers(int v) {
            textLayers = v;
            return this;
        }

        public Builder fusionLayers(int v) {
            fusionLayers = v;
            return this;
        }

        public Builder textHeads(int v) {
            textHeads = v;
            return this;
        }

        public Builder textIntermediate(int v) {
            textIntermediate = v;
            return this;
        }

        public Builder vocabSize(int v) {
            vocabSize = v;
            return this;
        }

        public Builder maxPositions(int v) {
            maxPositions = v;
            return this;
        }

        public Builder maxTokens(int v) {
            maxTokens = v;
            return this;
        }

        public Builder embedDim(int v) {
            embedDim = v;
            return this;
        }

        public Builder mlmTied(boolean v) {
            mlmTied = v;
            return this;
        }

        public ModelConfig build() {
            return new ModelConfig(
                    preset,
                    imageHeight,
                    imageWidth,
                    patchSize,
                    visionWidth,
                    visionLayers,
                    visionHeads,
                    visionMlpRatio,
                    textWidth,
                    textLayers,
                    fusionLayers,
                    textHeads,
                    textIntermediate,
                    vocabSize,
                    maxPositions,
                    maxTokens,
                    embedDim,
                    mlmTied);
        }
    }

    public int patchRows() {
        return imageHeight / patchSize;
    }

    public int patchColumns() {
        return imageWidth / patchSize;
    }

    /** Image tokens: one per patch plus the CLS token. */
    public int imageTokens() {
        return patchRows() * patchColumns() + 1;
    }

    public int totalTextLayers() {
        return textLayers + fusionLayers;
    }

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
            throw new IllegalArgumentException(
                    where + ": not a weakpair model checkpoint (its metadata has no 'format'; "
                            + "convert ALBEF/RaSa weights with bench/pytorch/convert_albef.py)");
        if (!FORMAT.equals(format))
            throw new IllegalArgumentException(
                    where + ": metadata 'format' is '" + format + "', expected '" + FORMAT + "'");
        String version = m.get("format_version");
        if (version != null && !FORMAT_VERSION.equals(version))
            throw new IllegalArgumentException(
                    where + ": metadata 'format_version' is '" + version + "', this build reads " + FORMAT_VERSION);
        try {
            return builder(m.getOrDefault("preset", "custom"))
                    .image(integer(m, "image_height", where), integer(m, "image_width", where))
                    .patchSize(integer(m, "patch_size", where))
                    .visionWidth(integer(m, "vision_width", where))
                    .visionLayers(integer(m, "vision_layers", where))
                    .visionHeads(integer(m, "vision_heads", where))
                    .visionMlpRatio(integer(m, "vision_mlp_ratio", where))
                    .textWidth(integer(m, "text_width", where))
                    .textLayers(integer(m, "text_layers", where))
                    .fusionLayers(integer(m, "fusion_layers", where))
                    .textHeads(integer(m, "text_heads", where))
                    .textIntermediate(integer(m, "text_intermediate", where))
                    .vocabSize(integer(m, "vocab_size", where))
                    .maxPositions(integer(m, "max_positions", where))
                    .maxTokens(integer(m, "max_tokens", where))
                    .embedDim(integer(m, "embed_dim", where))
                    .mlmTied(bool(m, "mlm_tied", where))
                    .build();
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
        return String.format(
                Locale.ROOT,
                "%s: image %dx%d/%d, ViT %dx%d (%d heads), BERT %d+%d x%d (%d heads), vocab %d, %d tokens, embed %d",
                preset,
                imageHeight,
                imageWidth,
                patchSize,
                visionLayers,
                visionWidth,
                visionHeads,
                textLayers,
                fusionLayers,
                textWidth,
                textHeads,
                vocabSize,
                maxTokens,
                embedDim);
    }
}
