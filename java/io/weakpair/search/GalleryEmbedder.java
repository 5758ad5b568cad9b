package io.weakpair.search;

import io.weakpair.data.Batch;
import io.weakpair.data.BatchPlan;
import io.weakpair.data.DataException;
import io.weakpair.data.DataRecord;
import io.weakpair.data.Instance;
import io.weakpair.data.Progress;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ImageEncoder;
import io.weakpair.model.Inference;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Image features of a gallery, in batches: images are decoded on background threads
 * ({@link ImageEncoder}) while the model embeds earlier batches, in eval mode without
 * gradients. An image that does not decode is reported (record and path) and skipped: its
 * batch is assembled again image by image, and prefetching resumes after it.
 */
public final class GalleryEmbedder {
    /** Receives each embedded image with its unit-length feature (a fresh array). */
    @FunctionalInterface
    public interface Sink {
        void accept(DataRecord image, float[] feature) throws IOException;
    }

    /**
     * Called after every batch, once each of its images has reached the sink: where a caller makes
     * its work durable (a commit), so that a later run can resume at a batch boundary.
     */
    @FunctionalInterface
    public interface AfterBatch {
        /** @return false to stop embedding here (the outcome then says {@code stopped}) */
        boolean proceed() throws IOException;
    }

    /** What was embedded and skipped, and whether {@link AfterBatch} stopped it before the end. */
    public record Outcome(int embedded, List<String> skipped, boolean stopped) {}

    private final ImageEncoder encoder;
    private final AlbefModel model;
    private final int batchSize;

    public GalleryEmbedder(AlbefModel model, int batchSize) {
        if (batchSize < 1) throw new IllegalArgumentException("--batch must be at least 1, got " + batchSize);
        this.model = model;
        this.encoder = new ImageEncoder(model);
        this.batchSize = batchSize;
    }

    public Outcome embed(List<DataRecord> images, Sink sink, PrintStream log) throws IOException {
        return embed(images, sink, log, () -> true);
    }

    public Outcome embed(List<DataRecord> images, Sink sink, PrintStream log, AfterBatch afterBatch)
            throws IOException {
        List<BatchPlan> plans = plans(images);
        List<String> skipped = new ArrayList<>();
        int[] embedded = {0}, next = {0};
        boolean stopped = false;
        try (Inference on = Inference.on(model);
                Progress progress = new Progress(log, "embedding images", "images", images.size())) {
            while (next[0] < plans.size() && !stopped) {
                try {
                    stopped = !encoder.encodeWhile(
                            plans.subList(next[0], plans.size()),
                            2,
                            3,
                            (b, encoded) -> {
                                embedded[0] += emit(b, encoded, sink);
                                progress.advance(b.size());
                                next[0]++;
                            },
                            b -> afterBatch.proceed());
                } catch (DataException e) {
                    // The batch at `next` holds an unreadable image: keep the readable ones, name the others.
                    BatchPlan bad = plans.get(next[0]++);
                    for (Instance in : bad.instances()) {
                        try {
                            encoder.encode(
                                    encoder.assembler().assemble(new BatchPlan(0, List.of(in))),
                                    (b, encoded) -> embedded[0] += emit(b, encoded, sink));
                        } catch (DataException unreadable) {
                            skipped.add(unreadable.getMessage());
                            if (log != null) log.println("  skipped: " + unreadable.getMessage());
                        }
                        progress.advance(1);
                    }
                    if (!afterBatch.proceed()) stopped = true;
                }
            }
        }
        return new Outcome(embedded[0], skipped, stopped);
    }

    /** Hands each image of the batch to the sink with its own feature row. */
    private static int emit(Batch b, AlbefModel.Encoded encoded, Sink sink) throws IOException {
        float[][] rows = ImageEncoder.rows(encoded.features());
        for (int i = 0; i < b.size(); i++) sink.accept(b.instances().get(i).record(), rows[i]);
        return b.size();
    }

    private List<BatchPlan> plans(List<DataRecord> images) {
        List<BatchPlan> plans = new ArrayList<>();
        for (int start = 0; start < images.size(); start += batchSize) {
            List<Instance> batch = new ArrayList<>();
            for (DataRecord r : images.subList(start, Math.min(images.size(), start + batchSize)))
                batch.add(new Instance(r, -1, false));
            plans.add(new BatchPlan(plans.size(), batch));
        }
        return plans;
    }
}
