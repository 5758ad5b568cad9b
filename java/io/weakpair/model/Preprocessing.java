package io.weakpair.model;

import io.weakpair.data.ImageTransform;
import io.weakpair.data.ResizeMode;

/**
 * How the model expects its inputs: images resized to the configured size and normalised with
 * the mean and standard deviation ALBEF and RaSa use (CLIP's), so converted published weights
 * see what they were trained on.
 */
public final class Preprocessing {
    public static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private Preprocessing() {}

    /** The image transform of a model configuration (bilinear resize, ALBEF's normalisation). */
    public static ImageTransform images(ModelConfig config) {
        return new ImageTransform(config.imageHeight(), config.imageWidth(), ResizeMode.BILINEAR, MEAN, STD);
    }
}
