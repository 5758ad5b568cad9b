package io.weakpair.data;

import java.util.ArrayList;
import java.util.List;

/** Batch plans for evaluation: every image of a split once, in file order, unmirrored. */
public final class BatchPlans {
    private BatchPlans() {}

    /** The split's images (the gallery) in batches of at most {@code batchSize}, without captions. */
    public static List<BatchPlan> gallery(DatasetSplit split, int batchSize) {
        if (batchSize < 1)
            throw new IllegalArgumentException("gallery batches: batch size must be at least 1, got " + batchSize);
        List<BatchPlan> plans = new ArrayList<>();
        List<Instance> current = new ArrayList<>(batchSize);
        for (DataRecord r : split.records()) {
            current.add(new Instance(r, -1, false));
            if (current.size() == batchSize) {
                plans.add(new BatchPlan(plans.size(), current));
                current = new ArrayList<>(batchSize);
            }
        }
        if (!current.isEmpty()) plans.add(new BatchPlan(plans.size(), current));
        return plans;
    }

    /** Every caption of the split (the queries), in file order, each with its image's record. */
    public static List<Instance> queries(DatasetSplit split) {
        List<Instance> out = new ArrayList<>(split.numCaptions());
        for (DataRecord r : split.records()) {
            for (int c = 0; c < r.captions().size(); c++) out.add(new Instance(r, c, false));
        }
        return out;
    }
}
