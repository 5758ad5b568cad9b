package io.weakpair.data;

import java.util.Locale;

/** How images are brought to the model's resolution. */
public enum ResizeMode {
    /**
     * Bilinear interpolation with pixel centres at half-integers (PyTorch's
     * {@code align_corners=False}, no antialiasing): fast, aliases when shrinking a lot.
     */
    BILINEAR,
    /**
     * Area averaging: each output pixel is the mean of the input area it covers, with
     * fractional weights at the edges (OpenCV's INTER_AREA when shrinking); no aliasing.
     */
    AREA;

    public static ResizeMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown resize mode '" + s + "' (expected bilinear or area)");
        }
    }
}
