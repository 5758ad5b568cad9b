package io.weakpair.data;

import java.awt.image.BufferedImage;
import java.io.IOException;

/**
 * Loads the images of a {@link BatchPlan} through an {@link ImageTransform}. The result
 * depends only on the plan, which is what lets {@link Prefetcher} assemble batches on any
 * thread and still deliver exactly what the synchronous path would.
 */
public final class BatchAssembler {
    private final ImageTransform transform;

    public BatchAssembler(ImageTransform transform) {
        if (transform == null) throw new IllegalArgumentException("batch assembler: transform must not be null");
        this.transform = transform;
    }

    public ImageTransform transform() {
        return transform;
    }

    /** Loads one batch; an image that does not decode is a {@link DataException} naming its record. */
    public Batch assemble(BatchPlan plan) {
        int per = transform.floatsPerImage();
        float[] images = new float[plan.size() * per];
        for (int i = 0; i < plan.size(); i++) {
            Instance in = plan.instances().get(i);
            BufferedImage img;
            try {
                img = ImageFiles.read(in.record().image());
            } catch (IOException e) {
                throw new DataException(
                        in.record().where() + ": cannot load image for batch " + plan.index() + ": " + e.getMessage(),
                        e);
            }
            transform.apply(img, in.flip(), images, i * per);
        }
        return new Batch(plan, images, transform.height(), transform.width());
    }
}
