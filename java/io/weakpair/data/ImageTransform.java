package io.weakpair.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a decoded image into the model's input: resized to {@code height x width}, optionally
 * mirrored left-right, scaled to [0, 1] and normalised per channel with {@code (v - mean) / std},
 * laid out channel-major (CHW, RGB) as floats. Thread-safe.
 */
public final class ImageTransform {
    /** The ImageNet statistics most vision backbones are trained with. */
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};

    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private final int height;
    private final int width;
    private final ResizeMode mode;
    private final float[] mean;
    private final float[] std;
    private final Map<Integer, ResizeWeights> rowWeights = new ConcurrentHashMap<>();
    private final Map<Integer, ResizeWeights> columnWeights = new ConcurrentHashMap<>();

    public ImageTransform(int height, int width, ResizeMode mode, float[] mean, float[] std) {
        if (height < 1 || width < 1)
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        if (mode == null) throw new IllegalArgumentException("resize mode must not be null");
        if (mean == null || mean.length != 3 || std == null || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B), got "
                    + (mean == null ? "null" : mean.length) + " and " + (std == null ? "null" : std.length));
        }
        for (float s : std) {
            if (!(s > 0) || !Float.isFinite(s))
                throw new IllegalArgumentException("std values must be positive, got " + Arrays.toString(std));
        }
        for (float m : mean)
            if (!Float.isFinite(m))
                throw new IllegalArgumentException("mean values must be finite, got " + Arrays.toString(mean));
        this.height = height;
        this.width = width;
        this.mode = mode;
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** Area resizing with ImageNet statistics. */
    public static ImageTransform imagenet(int height, int width) {
        return new ImageTransform(height, width, ResizeMode.AREA, IMAGENET_MEAN, IMAGENET_STD);
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public ResizeMode mode() {
        return mode;
    }

    public float[] mean() {
        return mean.clone();
    }

    public float[] std() {
        return std.clone();
    }

    /** Floats per transformed image: 3 x height x width. */
    public int floatsPerImage() {
        return 3 * height * width;
    }

    public float[] apply(BufferedImage image, boolean flip) {
        float[] out = new float[floatsPerImage()];
        apply(image, flip, out, 0);
        return out;
    }

    /** Writes the transformed image into {@code out} from {@code offset} (3 x H x W floats). */
    public void apply(BufferedImage image, boolean flip, float[] out, int offset) {
        if (offset < 0 || offset + floatsPerImage() > out.length) {
            throw new IllegalArgumentException("image transform: output of " + out.length + " floats has no room for "
                    + floatsPerImage() + " at offset " + offset);
        }
        int h0 = image.getHeight(), w0 = image.getWidth();
        float[][] rgb = rgbPlanes(image);
        ResizeWeights cols = columnWeights.computeIfAbsent(w0, w -> ResizeWeights.of(mode, w, width));
        ResizeWeights rows = rowWeights.computeIfAbsent(h0, h -> ResizeWeights.of(mode, h, height));
        float[] wide = new float[h0 * width];
        float[] resized = new float[height * width];
        for (int c = 0; c < 3; c++) {
            resampleRows(rgb[c], h0, w0, cols, wide);
            resampleColumns(wide, width, rows, resized);
            float scale = 1f / (255f * std[c]);
            float shift = mean[c] / std[c];
            int base = offset + c * height * width;
            for (int y = 0; y < height; y++) {
                int src = y * width;
                int dst = base + y * width;
                if (flip) {
                    for (int x = 0; x < width; x++) out[dst + width - 1 - x] = resized[src + x] * scale - shift;
                } else {
                    for (int x = 0; x < width; x++) out[dst + x] = resized[src + x] * scale - shift;
                }
            }
        }
    }

    /** Horizontal pass: every row of {@code in} (h x w0) to {@code out} (h x width). */
    private static void resampleRows(float[] in, int h, int w0, ResizeWeights wx, float[] out) {
        int w = wx.out;
        for (int y = 0; y < h; y++) {
            int row = y * w0;
            for (int x = 0; x < w; x++) {
                int j = row + wx.first[x], k = wx.offset[x];
                float s = 0;
                for (int t = 0; t < wx.count[x]; t++) s += wx.weight[k + t] * in[j + t];
                out[y * w + x] = s;
            }
        }
    }

    /** Vertical pass: {@code in} (h0 x w) to {@code out} (height x w). */
    private static void resampleColumns(float[] in, int w, ResizeWeights wy, float[] out) {
        Arrays.fill(out, 0f);
        for (int y = 0; y < wy.out; y++) {
            int k = wy.offset[y], dst = y * w;
            for (int t = 0; t < wy.count[y]; t++) {
                float wt = wy.weight[k + t];
                int src = (wy.first[y] + t) * w;
                for (int x = 0; x < w; x++) out[dst + x] += wt * in[src + x];
            }
        }
    }

    /**
     * The image's R, G, B samples in 0..255. 8-bit sRGB and grey images are read raw (a grey
     * JPEG's bytes are its values, as in other toolkits, not re-gamma'd through Java's linear
     * grey space); anything else (palettes, 16-bit) goes through {@code getRGB}.
     */
    static float[][] rgbPlanes(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight(), n = w * h;
        float[][] planes = new float[3][n];
        Raster raster = image.getRaster();
        ColorModel cm = image.getColorModel();
        boolean eightBit = raster.getDataBuffer().getDataType() == DataBuffer.TYPE_BYTE
                || image.getType() == BufferedImage.TYPE_INT_RGB
                || image.getType() == BufferedImage.TYPE_INT_ARGB;
        boolean palette = cm instanceof IndexColorModel;
        int bands = raster.getNumBands();
        if (!palette && eightBit && bands >= 3 && cm.getColorSpace().isCS_sRGB()) {
            for (int c = 0; c < 3; c++) raster.getSamples(0, 0, w, h, c, planes[c]);
        } else if (!palette && eightBit && bands <= 2 && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            raster.getSamples(0, 0, w, h, 0, planes[0]);
            System.arraycopy(planes[0], 0, planes[1], 0, n);
            System.arraycopy(planes[0], 0, planes[2], 0, n);
        } else {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < n; i++) {
                planes[0][i] = (argb[i] >> 16) & 0xFF;
                planes[1][i] = (argb[i] >> 8) & 0xFF;
                planes[2][i] = argb[i] & 0xFF;
            }
        }
        return planes;
    }
}
