package io.weakpair.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A text-based person search dataset: images with captions and identities, in train, val
 * and test splits, read from one of the {@link DatasetFormat}s by {@link DatasetReader}.
 */
public final class Dataset {
    private final Path root;
    private final DatasetFormat format;
    private final Map<Split, DatasetSplit> splits = new EnumMap<>(Split.class);
    private final LoadReport report;

    /**
     * Groups records by split and relabels identities per split. {@code records} carry
     * their file identity in {@code id}; their {@code label} is recomputed here.
     */
    public Dataset(Path root, DatasetFormat format, List<DataRecord> records, LoadReport report) {
        this.root = root;
        this.format = format;
        this.report = report;
        for (Split s : Split.values()) {
            TreeSet<Integer> ids = new TreeSet<>();
            for (DataRecord r : records) if (r.split() == s) ids.add(r.id());
            int[] idOfLabel = ids.stream().mapToInt(Integer::intValue).toArray();
            Map<Integer, Integer> labelOfId = new java.util.HashMap<>();
            for (int l = 0; l < idOfLabel.length; l++) labelOfId.put(idOfLabel[l], l);
            List<DataRecord> relabelled = new ArrayList<>();
            for (DataRecord r : records) {
                if (r.split() != s) continue;
                relabelled.add(
                        new DataRecord(r.index(), r.id(), labelOfId.get(r.id()), s, r.path(), r.image(), r.captions()));
            }
            splits.put(s, new DatasetSplit(s, relabelled, idOfLabel));
        }
    }

    public Path root() {
        return root;
    }

    public DatasetFormat format() {
        return format;
    }

    /** The split's records; empty (not null) for a split the dataset lacks (ICFG-PEDES has no val). */
    public DatasetSplit split(Split s) {
        return splits.get(s);
    }

    /** What was skipped while reading. */
    public LoadReport report() {
        return report;
    }

    /** All kept records, train then val then test. */
    public List<DataRecord> records() {
        List<DataRecord> all = new ArrayList<>();
        for (DatasetSplit s : splits.values()) all.addAll(s.records());
        return all;
    }
}
