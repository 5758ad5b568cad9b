package io.weakpair.eval;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.ints.Int2ObjectOpenHashMap;

/** The gallery grouped by label: for a query's label, its correct images. */
final class CorrectImages {
    private static final int[] NONE = new int[0];
    private final Int2ObjectOpenHashMap<int[]> byLabel = new Int2ObjectOpenHashMap<>();

    CorrectImages(int[] galleryLabels) {
        Int2IntOpenHashMap counts = new Int2IntOpenHashMap();
        for (int label : galleryLabels) counts.addTo(label, 1);
        Int2IntOpenHashMap filled = new Int2IntOpenHashMap();
        for (int g = 0; g < galleryLabels.length; g++) {
            int label = galleryLabels[g];
            int[] list = byLabel.get(label);
            if (list == null) byLabel.put(label, list = new int[counts.get(label)]);
            list[filled.addTo(label, 1)] = g;
        }
    }

    /** The gallery indices with this label, ascending; empty when none. Callers must not modify it. */
    int[] of(int label) {
        int[] list = byLabel.get(label);
        return list == null ? NONE : list;
    }

    /** Fails naming the first query whose label has no image in the gallery. */
    void requireEvery(String op, int[] queryLabels) {
        for (int q = 0; q < queryLabels.length; q++) {
            if (!byLabel.containsKey(queryLabels[q])) {
                throw new IllegalArgumentException(
                        op + ": query " + q + " (label " + queryLabels[q]
                                + ") has no correct image in the gallery; every query needs at least one (pass only such queries)");
            }
        }
    }
}
