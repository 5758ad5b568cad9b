package io.weakpair.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The records of one split, with identities relabelled to 0..n-1 (in increasing order of
 * the identity numbers in the file, so labels do not depend on the record order).
 */
public final class DatasetSplit {
    private final Split split;
    private final List<DataRecord> records;
    private final int[] idOfLabel;
    private final List<List<DataRecord>> byLabel;

    DatasetSplit(Split split, List<DataRecord> records, int[] idOfLabel) {
        this.split = split;
        this.records = List.copyOf(records);
        this.idOfLabel = idOfLabel.clone();
        List<List<DataRecord>> groups = new ArrayList<>(idOfLabel.length);
        for (int i = 0; i < idOfLabel.length; i++) groups.add(new ArrayList<>());
        for (DataRecord r : this.records) groups.get(r.label()).add(r);
        List<List<DataRecord>> frozen = new ArrayList<>(groups.size());
        for (List<DataRecord> g : groups) frozen.add(Collections.unmodifiableList(g));
        this.byLabel = Collections.unmodifiableList(frozen);
    }

    public Split split() {
        return split;
    }

    /** The records in file order. */
    public List<DataRecord> records() {
        return records;
    }

    public boolean isEmpty() {
        return records.isEmpty();
    }

    public int numImages() {
        return records.size();
    }

    public int numCaptions() {
        int n = 0;
        for (DataRecord r : records) n += r.captions().size();
        return n;
    }

    public int numIdentities() {
        return idOfLabel.length;
    }

    /** The identity number in the file for a label. */
    public int idOfLabel(int label) {
        return idOfLabel[label];
    }

    /** The records of one identity, in file order. */
    public List<DataRecord> recordsOf(int label) {
        return byLabel.get(label);
    }
}
