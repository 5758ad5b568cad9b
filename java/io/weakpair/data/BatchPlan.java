package io.weakpair.data;

import java.util.List;

/** What one batch will contain, decided before any image is read. */
public record BatchPlan(int index, List<Instance> instances) {
    public BatchPlan {
        instances = List.copyOf(instances);
        if (instances.isEmpty()) throw new IllegalArgumentException("batch plan " + index + " is empty");
    }

    public int size() {
        return instances.size();
    }
}
