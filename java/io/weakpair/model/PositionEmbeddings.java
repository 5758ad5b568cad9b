package io.weakpair.model;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;

/**
 * Resizing the ViT's position embeddings for another patch grid, as ALBEF does when it loads
 * a checkpoint for another image size: the CLS position is kept, the grid positions are
 * resampled by 2-D bicubic interpolation with PyTorch's rule ({@code F.interpolate(mode=
 * "bicubic", align_corners=False)}: source coordinate (x + 0.5) * in / out - 0.5, the cubic
 * convolution kernel with A = -0.75, indices clamped at the borders).
 */
public final class PositionEmbeddings {
    private static final double A = -0.75;

    private PositionEmbeddings() {}

    /** posEmbed [1, 1 + rows * cols, W] (any float dtype, CPU) to a new CPU F32 tensor [1, 1 + newRows * newCols, W]. */
    public static Tensor resize(Tensor posEmbed, int rows, int cols, int newRows, int newCols) {
        if (posEmbed.rank() != 3 || posEmbed.dim(0) != 1 || posEmbed.dim(1) != 1 + rows * cols)
            throw new IllegalArgumentException("pos_embed " + posEmbed.describe() + " does not fit a " + rows + "x"
                    + cols + " patch grid plus CLS");
        if (newRows < 1 || newCols < 1)
            throw new IllegalArgumentException("pos_embed: cannot resize to a " + newRows + "x" + newCols + " grid");
        int w = posEmbed.dim(2);
        double[] src = posEmbed.toDoubleArray();
        double[] out = new double[(1 + newRows * newCols) * w];
        System.arraycopy(src, 0, out, 0, w); // CLS unchanged
        double[] tmp = new double[rows * newCols * w];
        // Separable: along the columns first, then along the rows (what PyTorch's kernel computes).
        for (int r = 0; r < rows; r++)
            for (int x = 0; x < newCols; x++) {
                Tap tap = Tap.of(x, cols, newCols);
                for (int c = 0; c < w; c++) {
                    double v = 0;
                    for (int k = 0; k < 4; k++) v += tap.weight[k] * src[w + (r * cols + tap.index[k]) * w + c];
                    tmp[(r * newCols + x) * w + c] = v;
                }
            }
        for (int y = 0; y < newRows; y++) {
            Tap tap = Tap.of(y, rows, newRows);
            for (int x = 0; x < newCols; x++)
                for (int c = 0; c < w; c++) {
                    double v = 0;
                    for (int k = 0; k < 4; k++) v += tap.weight[k] * tmp[(tap.index[k] * newCols + x) * w + c];
                    out[w + (y * newCols + x) * w + c] = v;
                }
        }
        return Tensor.fromDoubles(out, DType.F32, io.weakpair.tensor.Device.CPU, 1, 1 + newRows * newCols, w);
    }

    /** The four source indices and weights of one output coordinate. */
    private record Tap(int[] index, double[] weight) {
        static Tap of(int outIndex, int in, int out) {
            double real = (outIndex + 0.5) * ((double) in / out) - 0.5;
            int base = (int) Math.floor(real);
            double t = real - base;
            int[] idx = new int[4];
            for (int k = 0; k < 4; k++) idx[k] = Math.min(in - 1, Math.max(0, base - 1 + k));
            double[] wt = {cubicFar(t + 1), cubicNear(t), cubicNear(1 - t), cubicFar(2 - t)};
            return new Tap(idx, wt);
        }
    }

    /** The cubic convolution kernel for |x| <= 1. */
    private static double cubicNear(double x) {
        return ((A + 2) * x - (A + 3)) * x * x + 1;
    }

    /** ... and for 1 < |x| < 2. */
    private static double cubicFar(double x) {
        return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
    }
}
