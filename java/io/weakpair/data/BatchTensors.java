package io.weakpair.data;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;

/** Builds tensors from a {@link Batch}; the caller owns (closes) them, or an open Scope does. */
public final class BatchTensors {
    private BatchTensors() {}

    /** The images as an F32 tensor [B, 3, H, W] on the CPU. */
    public static Tensor images(Batch batch) {
        return Tensor.of(batch.images(), batch.size(), 3, batch.height(), batch.width());
    }

    /** The split-relative identity labels as an I32 or I64 tensor [B]. */
    public static Tensor labels(Batch batch, DType dtype) {
        int[] labels = batch.labels();
        if (dtype == DType.I32) return Tensor.ofInts(labels, labels.length);
        if (dtype == DType.I64) {
            long[] wide = new long[labels.length];
            for (int i = 0; i < labels.length; i++) wide[i] = labels[i];
            return Tensor.ofLongs(wide, wide.length);
        }
        throw new IllegalArgumentException("batch labels: dtype must be I32 or I64, got " + dtype);
    }
}
