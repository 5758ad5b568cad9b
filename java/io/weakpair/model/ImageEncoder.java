package io.weakpair.model;

import io.weakpair.data.Batch;
import io.weakpair.data.BatchAssembler;
import io.weakpair.data.BatchPlan;
import io.weakpair.data.Prefetcher;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.util.List;

/**
 * The model's image side over many images, batch by batch: the one loop behind the
 * evaluation's gallery, the attribute probe's features and the search index. Batches are
 * decoded on background threads ({@link Prefetcher}) while the model encodes earlier ones;
 * each batch is encoded in a scope of its own, so its sink copies out what it keeps. Run it
 * under {@link Inference} (eval mode, no gradients).
 */
public final class ImageEncoder {
    /**
     * Receives a batch and its encoding ({@link AlbefModel#imageFeatures}); the tensors are freed
     * when it returns. {@code E}: what it may throw (a sink that throws nothing checked leaves the
     * caller nothing to catch).
     */
    @FunctionalInterface
    public interface Sink<E extends Exception> {
        void accept(Batch batch, AlbefModel.Encoded encoded) throws E;
    }

    private final AlbefModel model;
    private final BatchAssembler assembler;

    public ImageEncoder(AlbefModel model) {
        this.model = model;
        this.assembler = new BatchAssembler(Preprocessing.images(model.config()));
    }

    /** The assembler of the model's image transform (to assemble a batch apart, e.g. image by image). */
    public BatchAssembler assembler() {
        return assembler;
    }

    /** One assembled batch: its images to the model's device, encoded, handed to {@code sink}. */
    public <E extends Exception> void encode(Batch batch, Sink<E> sink) throws E {
        try (Scope s = Scope.open()) {
            Tensor px = Tensor.of(batch.images(), batch.size(), 3, batch.height(), batch.width())
                    .to(model.device());
            sink.accept(batch, model.imageFeatures(px));
        }
    }

    /** Asked after each batch has reached the sink: false ends the pass there (e.g. after a commit, to resume later). */
    @FunctionalInterface
    public interface Proceed<E extends Exception> {
        boolean after(Batch batch) throws E;
    }

    /**
     * Every batch of {@code plans} in order, decoded by {@code workers} threads up to
     * {@code depth} batches ahead. An image that does not decode ends the pass with the
     * prefetcher's {@code DataException}, after every batch before its own reached the sink.
     */
    public <E extends Exception> void encodeAll(List<BatchPlan> plans, int workers, int depth, Sink<E> sink) throws E {
        encodeWhile(plans, workers, depth, sink, batch -> true);
    }

    /** {@link #encodeAll} asking {@code proceed} after each batch; false when it stopped the pass before the end. */
    public <E extends Exception> boolean encodeWhile(
            List<BatchPlan> plans, int workers, int depth, Sink<E> sink, Proceed<E> proceed) throws E {
        try (Prefetcher batches = new Prefetcher(plans, assembler, workers, depth)) {
            while (batches.hasNext()) {
                Batch batch = batches.next();
                encode(batch, sink);
                if (!proceed.after(batch)) return false;
            }
        }
        return true;
    }

    /** The rows of a features tensor [B, E] on the host, one fresh array each. */
    public static float[][] rows(Tensor features) {
        float[] flat = features.toFloatArray();
        int n = features.dim(0), width = n == 0 ? 0 : flat.length / n;
        float[][] out = new float[n][];
        for (int i = 0; i < n; i++) out[i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
        return out;
    }
}
