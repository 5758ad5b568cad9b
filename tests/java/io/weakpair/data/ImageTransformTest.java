package io.weakpair.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Resizing, flipping, normalising and the CHW layout of the image pipeline. */
class ImageTransformTest {
    private static final float[] ZERO = {0, 0, 0};
    private static final float[] ONE = {1, 1, 1};

    /** A transform that leaves values at 0..255: mean 0, std 1/255. */
    private static ImageTransform raw(int h, int w, ResizeMode mode) {
        float s = 1f / 255f;
        return new ImageTransform(h, w, mode, ZERO, new float[] {s, s, s});
    }

    private static BufferedImage grey(int[][] values) {
        BufferedImage img = new BufferedImage(values[0].length, values.length, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < values.length; y++) {
            for (int x = 0; x < values[0].length; x++) {
                int v = values[y][x];
                img.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return img;
    }

    @Test
    void normalisesEachChannelWithItsMeanAndStd() {
        BufferedImage img = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) for (int x = 0; x < 5; x++) img.setRGB(x, y, 51 << 16 | 102 << 8 | 255);
        ImageTransform t = new ImageTransform(
                6, 4, ResizeMode.BILINEAR, new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.5f, 0.25f, 2f});
        float[] out = t.apply(img, false);
        assertEquals(3 * 6 * 4, out.length);
        float[] want = {(0.2f - 0.1f) / 0.5f, (0.4f - 0.2f) / 0.25f, (1f - 0.3f) / 2f};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 24; i++) assertEquals(want[c], out[c * 24 + i], 1e-5, "channel " + c);
        }
    }

    @Test
    void bilinearMatchesHalfPixelCentres() {
        // 1x2 -> 1x4: sources at -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
        float[] out = raw(1, 4, ResizeMode.BILINEAR).apply(grey(new int[][] {{0, 200}}), false);
        assertArrayEquals(new float[] {0, 50, 150, 200}, java.util.Arrays.copyOf(out, 4), 1e-3f);
        // An exact 2x shrink averages neighbours.
        float[] half = raw(1, 2, ResizeMode.BILINEAR).apply(grey(new int[][] {{10, 30, 100, 200}}), false);
        assertArrayEquals(new float[] {20, 150}, java.util.Arrays.copyOf(half, 2), 1e-3f);
    }

    @Test
    void areaAveragesWhatEachOutputPixelCovers() {
        int[][] block = {{0, 40, 80, 120}, {40, 80, 120, 160}, {10, 10, 20, 20}, {30, 30, 60, 60}};
        float[] out = raw(2, 2, ResizeMode.AREA).apply(grey(block), false);
        assertArrayEquals(new float[] {40, 120, 20, 40}, java.util.Arrays.copyOf(out, 4), 1e-3f);
        // 3 -> 2: each output covers 1.5 inputs.
        float[] frac = raw(1, 2, ResizeMode.AREA).apply(grey(new int[][] {{30, 60, 90}}), false);
        assertArrayEquals(
                new float[] {(30 + 0.5f * 60) / 1.5f, (0.5f * 60 + 90) / 1.5f},
                java.util.Arrays.copyOf(frac, 2),
                1e-3f);
        // Shrinking by area keeps the mean.
        BufferedImage noise = DataFixtures.image(37, 23, 5);
        float[] small = raw(8, 5, ResizeMode.AREA).apply(noise, false);
        double inMean = 0, outMean = 0;
        for (int y = 0; y < 37; y++) for (int x = 0; x < 23; x++) inMean += (noise.getRGB(x, y) >> 16) & 0xFF;
        for (int i = 0; i < 40; i++) outMean += small[i];
        assertEquals(inMean / (37 * 23), outMean / 40, 1e-2);
    }

    @Test
    void sameSizeIsTheIdentityAndFlipMirrors() {
        BufferedImage img = DataFixtures.image(7, 5, 9);
        for (ResizeMode mode : ResizeMode.values()) {
            float[] out = raw(7, 5, mode).apply(img, false);
            float[] flipped = raw(7, 5, mode).apply(img, true);
            for (int y = 0; y < 7; y++) {
                for (int x = 0; x < 5; x++) {
                    int rgb = img.getRGB(x, y);
                    assertEquals((rgb >> 16) & 0xFF, out[y * 5 + x], 1e-3, mode + " red at " + x + "," + y);
                    assertEquals((rgb >> 8) & 0xFF, out[35 + y * 5 + x], 1e-3, mode + " green");
                    assertEquals(rgb & 0xFF, out[70 + y * 5 + x], 1e-3, mode + " blue");
                    for (int c = 0; c < 3; c++)
                        assertEquals(out[c * 35 + y * 5 + x], flipped[c * 35 + y * 5 + (4 - x)], 0f);
                }
            }
        }
    }

    @Test
    void greyImagesAreReadRaw() {
        BufferedImage g = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSample(0, 0, 0, 100);
        g.getRaster().setSample(1, 0, 0, 7);
        float[] out = raw(1, 2, ResizeMode.BILINEAR).apply(g, false);
        assertArrayEquals(new float[] {100, 7, 100, 7, 100, 7}, out, 1e-3f);
    }

    @Test
    void writesIntoABatchAtAnOffsetAndBuildsTensors() {
        ImageTransform t =
                new ImageTransform(4, 3, ResizeMode.AREA, ImageTransform.IMAGENET_MEAN, ImageTransform.IMAGENET_STD);
        float[] a = t.apply(DataFixtures.image(9, 7, 1), false);
        float[] batch = new float[2 * t.floatsPerImage()];
        t.apply(DataFixtures.image(9, 7, 1), false, batch, t.floatsPerImage());
        assertArrayEquals(a, java.util.Arrays.copyOfRange(batch, t.floatsPerImage(), batch.length));
        assertThrows(
                IllegalArgumentException.class,
                () -> t.apply(DataFixtures.image(9, 7, 1), false, batch, t.floatsPerImage() + 1));
    }

    @Test
    void batchTensorsHaveTheModelLayout() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("wp-tensors");
        Dataset d = DataFixtures.imageDataset(dir, new int[] {2, 2}, 1);
        BatchAssembler assembler = new BatchAssembler(new ImageTransform(6, 4, ResizeMode.BILINEAR, ZERO, ONE));
        Batch batch =
                assembler.assemble(BatchPlans.gallery(d.split(Split.TRAIN), 4).get(0));
        try (Tensor images = BatchTensors.images(batch);
                Tensor labels = BatchTensors.labels(batch, DType.I64);
                Tensor labels32 = BatchTensors.labels(batch, DType.I32)) {
            assertArrayEquals(new int[] {4, 3, 6, 4}, images.shape());
            assertEquals(DType.F32, images.dtype());
            assertArrayEquals(batch.images(), images.toFloatArray());
            assertArrayEquals(new long[] {0, 0, 1, 1}, labels.toLongArray());
            assertArrayEquals(new int[] {0, 0, 1, 1}, labels32.toIntArray());
        }
        assertThrows(IllegalArgumentException.class, () -> BatchTensors.labels(batch, DType.F32));
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new ImageTransform(0, 4, ResizeMode.AREA, ZERO, ONE));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ImageTransform(4, 4, ResizeMode.AREA, new float[] {0, 0}, ONE));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ImageTransform(4, 4, ResizeMode.AREA, ZERO, new float[] {1, 0, 1}));
        assertThrows(IllegalArgumentException.class, () -> ResizeMode.parse("cubic"));
        assertEquals(ResizeMode.AREA, ResizeMode.parse("Area"));
    }
}
