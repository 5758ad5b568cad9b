package io.weakpair.data;

/**
 * One element of a batch: an image, which of its captions goes with it, and whether the
 * image is mirrored. Decided by the sampler, so a batch is a pure function of its plan.
 *
 * @param caption index into {@code record.captions()}, or -1 for an image without text
 */
public record Instance(DataRecord record, int caption, boolean flip) {
    public Instance {
        if (record == null) throw new IllegalArgumentException("instance: record must not be null");
        if (caption < -1 || caption >= record.captions().size()) {
            throw new IllegalArgumentException("instance: caption " + caption + " out of range for " + record.where()
                    + " with " + record.captions().size() + " captions");
        }
    }

    /** The caption text, or null for an image-only instance. */
    public String captionText() {
        return caption < 0 ? null : record.captions().get(caption);
    }
}
