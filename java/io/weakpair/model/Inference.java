package io.weakpair.model;

import io.weakpair.autograd.GradMode;

/**
 * The model in eval mode (no dropout) with gradients off, for as long as this is open; closing
 * restores the mode it found. What every embedding and evaluation pass runs under:
 * {@code try (Inference on = Inference.on(model)) { ... }}.
 */
public final class Inference implements AutoCloseable {
    private final AlbefModel model;
    private final boolean wasTraining;
    private final GradMode gradients;

    private Inference(AlbefModel model) {
        this.model = model;
        this.wasTraining = model.isTraining();
        model.eval();
        this.gradients = GradMode.off();
    }

    public static Inference on(AlbefModel model) {
        return new Inference(model);
    }

    @Override
    public void close() {
        gradients.close();
        model.train(wasTraining);
    }
}
