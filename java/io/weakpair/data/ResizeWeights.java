package io.weakpair.data;

/**
 * The weights that resample one axis from {@code in} to {@code out} samples: output sample
 * i is {@code sum over t < count[i] of weight[offset[i] + t] * input[first[i] + t]}.
 * Resizing is separable, so an image is resized by applying one of these to its rows and
 * another to its columns.
 */
final class ResizeWeights {
    final int in;
    final int out;
    final int[] first;
    final int[] count;
    final int[] offset;
    final float[] weight;

    private ResizeWeights(int in, int out, int[] first, int[] count, float[] weight) {
        this.in = in;
        this.out = out;
        this.first = first;
        this.count = count;
        this.weight = weight;
        this.offset = new int[out];
        for (int i = 1; i < out; i++) offset[i] = offset[i - 1] + count[i - 1];
    }

    static ResizeWeights of(ResizeMode mode, int in, int out) {
        if (in < 1 || out < 1)
            throw new IllegalArgumentException("resize: sizes must be positive, got " + in + " -> " + out);
        return mode == ResizeMode.AREA ? area(in, out) : bilinear(in, out);
    }

    private static ResizeWeights bilinear(int in, int out) {
        int[] first = new int[out];
        int[] count = new int[out];
        float[] w = new float[2 * out];
        double scale = (double) in / out;
        int k = 0;
        for (int i = 0; i < out; i++) {
            double src = Math.max(0.0, (i + 0.5) * scale - 0.5);
            int i0 = Math.min((int) Math.floor(src), in - 1);
            double frac = Math.min(src - i0, 1.0);
            if (i0 == in - 1 || frac == 0.0) {
                first[i] = i0;
                count[i] = 1;
                w[k++] = 1f;
            } else {
                first[i] = i0;
                count[i] = 2;
                w[k++] = (float) (1.0 - frac);
                w[k++] = (float) frac;
            }
        }
        return new ResizeWeights(in, out, first, count, java.util.Arrays.copyOf(w, k));
    }

    private static ResizeWeights area(int in, int out) {
        int[] first = new int[out];
        int[] count = new int[out];
        double scale = (double) in / out;
        float[] w = new float[out * ((int) Math.ceil(scale) + 2)];
        int k = 0;
        for (int i = 0; i < out; i++) {
            double lo = i * scale, hi = (i + 1) * scale;
            int j0 = (int) Math.floor(lo);
            int j1 = Math.min(in, (int) Math.ceil(hi - 1e-9));
            first[i] = j0;
            int n = 0;
            for (int j = j0; j < j1; j++) {
                double overlap = Math.min(hi, j + 1) - Math.max(lo, j);
                if (overlap <= 0) continue;
                if (n == 0) first[i] = j;
                w[k++] = (float) (overlap / scale);
                n++;
            }
            count[i] = n;
        }
        return new ResizeWeights(in, out, first, count, java.util.Arrays.copyOf(w, k));
    }
}
