package io.weakpair.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A loaded batch: images as one float array in [B, 3, H, W] order (see {@link BatchTensors}
 * for the tensor), the split-relative identity labels and the captions, in plan order.
 */
public final class Batch {
    private final BatchPlan plan;
    private final float[] images;
    private final int height;
    private final int width;

    Batch(BatchPlan plan, float[] images, int height, int width) {
        if (images.length != plan.size() * 3 * height * width) {
            throw new IllegalArgumentException("batch " + plan.index() + ": " + images.length + " floats for "
                    + plan.size() + " images of 3x" + height + "x" + width);
        }
        this.plan = plan;
        this.images = images;
        this.height = height;
        this.width = width;
    }

    public int index() {
        return plan.index();
    }

    public int size() {
        return plan.size();
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public BatchPlan plan() {
        return plan;
    }

    public List<Instance> instances() {
        return plan.instances();
    }

    /** The image data, [B, 3, H, W] row-major. Not copied: treat as read-only. */
    public float[] images() {
        return images;
    }

    /** Identity labels within the split (0..n-1), one per instance. */
    public int[] labels() {
        int[] labels = new int[size()];
        for (int i = 0; i < labels.length; i++)
            labels[i] = plan.instances().get(i).record().label();
        return labels;
    }

    /** The caption of each instance (null for image-only instances). */
    public List<String> captions() {
        List<String> out = new ArrayList<>(size());
        for (Instance in : plan.instances()) out.add(in.captionText());
        return Collections.unmodifiableList(out);
    }
}
