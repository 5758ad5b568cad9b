package io.weakpair.model;

import io.weakpair.autograd.ActivationCheckpoint;
import io.weakpair.tensor.Tensor;
import java.util.Locale;
import java.util.function.Function;

/**
 * Which transformer layers recompute their activations in backward instead of holding them
 * from forward to backward (activation checkpointing, see {@link ActivationCheckpoint}): trades one
 * more forward of those layers for their memory. Without gradients every layer frees its
 * intermediates on return whatever the mode.
 */
public final class Recomputation {
    /** The layers that recompute. */
    public enum Mode {
        /** None: fastest, every activation held (PyTorch's eager default). */
        NONE,
        /** The fusion layers only: the matching loss runs them on 3-4 pairs per sample, most of a step's activations. */
        FUSION,
        /** Every ViT and BERT layer: the least memory, about one more forward of the encoders. */
        ALL;

        /** The mode named {@code s} (none, fusion, all; any case), or an error listing the choices. */
        public static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("recompute must be one of none, fusion, all; got '" + s + "'");
            }
        }

        public String key() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Regularisation regularisation;
    private Mode mode = Mode.NONE;

    Recomputation(Regularisation regularisation) {
        this.regularisation = regularisation;
    }

    public Mode mode() {
        return mode;
    }

    public void setMode(Mode mode) {
        if (mode == null) throw new IllegalArgumentException("recompute mode is null");
        this.mode = mode;
    }

    /**
     * Runs one block of a layer ({@code fusion}: of a fusion layer). A recomputed block replays the dropout and drop-path masks of its first
     * run: the regularisation's seed counter is rewound to where that run started.
     */
    Tensor block(String name, boolean fusion, Function<Tensor[], Tensor> block, Tensor... inputs) {
        boolean recompute = mode == Mode.ALL || (mode == Mode.FUSION && fusion);
        if (!recompute) return ActivationCheckpoint.apply(name, false, block, inputs);
        long start = regularisation.position();
        boolean[] ran = {false};
        return ActivationCheckpoint.apply(
                name,
                true,
                in -> {
                    if (!ran[0]) {
                        ran[0] = true;
                        return block.apply(in);
                    }
                    return regularisation.replay(start, () -> block.apply(in));
                },
                inputs);
    }
}
