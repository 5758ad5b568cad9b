package io.weakpair.train;

import io.weakpair.tensor.Tensor;
import io.weakpair.text.TextBatch;

/**
 * What one training step drew and computed besides its losses: the matching pairs, the MLM
 * masks and the heads' outputs. Filled by {@link StepLosses#compute(io.weakpair.model.AlbefModel, Tensor, TextBatch, int[],
 * Objective, long, StepTrace)} so that another implementation can be fed the same draws and
 * compared output by output (bench/pytorch/check_step.sh). The tensors belong to the step's scope.
 */
public final class StepTrace {
    Tensor imageProjection;
    Tensor textProjection;
    Tensor itmLogits;
    Tensor mlmLogits;
    int[] pairImages = new int[0];
    int[] pairTexts = new int[0];
    int[] pairLabels = new int[0];
    int[] mlmIds = new int[0];
    int[] mlmPositions = new int[0];
    int[] mlmTargets = new int[0];

    void projections(Tensor image, Tensor text) {
        imageProjection = image;
        textProjection = text;
    }

    void matching(Tensor logits, int[] images, int[] texts, int[] labels) {
        itmLogits = logits;
        pairImages = images;
        pairTexts = texts;
        pairLabels = labels;
    }

    void mlm(Tensor logits, int[] ids, int[] positions, int[] targets) {
        mlmLogits = logits;
        mlmIds = ids;
        mlmPositions = positions;
        mlmTargets = targets;
    }

    /** vision_proj of the image CLS tokens, [N, E] (null before a step filled it). */
    public Tensor imageProjection() {
        return imageProjection;
    }

    /** text_proj of the text CLS tokens, [N, E]. */
    public Tensor textProjection() {
        return textProjection;
    }

    /** The fusion encoder's ITM logits of the matching pairs, [P, 2] (null when matching is off). */
    public Tensor itmLogits() {
        return itmLogits;
    }

    /** The MLM logits of the masked positions, [M, V] (null when MLM is off or nothing was masked). */
    public Tensor mlmLogits() {
        return mlmLogits;
    }

    /** Image index of each matching pair. */
    public int[] pairImages() {
        return pairImages.clone();
    }

    /** Text index of each matching pair. */
    public int[] pairTexts() {
        return pairTexts.clone();
    }

    /** 1 = match, 0 = not, per matching pair. */
    public int[] pairLabels() {
        return pairLabels.clone();
    }

    /** The masked caption ids [N * L] row-major (empty when MLM is off). */
    public int[] mlmIds() {
        return mlmIds.clone();
    }

    /** The flat positions chosen for MLM, ascending. */
    public int[] mlmPositions() {
        return mlmPositions.clone();
    }

    /** The original id at each chosen position. */
    public int[] mlmTargets() {
        return mlmTargets.clone();
    }
}
