package io.weakpair.data;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** What a reader kept and skipped: every skipped record is one {@link DataIssue}. */
public final class LoadReport {
    private final int recordsRead;
    private final List<DataIssue> issues;

    LoadReport(int recordsRead, List<DataIssue> issues) {
        this.recordsRead = recordsRead;
        this.issues = List.copyOf(issues);
    }

    /** Records in the file. */
    public int recordsRead() {
        return recordsRead;
    }

    public int recordsKept() {
        return recordsRead - issues.size();
    }

    public int skipped() {
        return issues.size();
    }

    /** The skipped records in file order. */
    public List<DataIssue> issues() {
        return issues;
    }

    /** Skipped records per kind, kinds in declaration order, only kinds that occurred. */
    public Map<DataIssue.Kind, Integer> countsByKind() {
        Map<DataIssue.Kind, Integer> counts = new EnumMap<>(DataIssue.Kind.class);
        for (DataIssue i : issues) counts.merge(i.kind(), 1, Integer::sum);
        return counts;
    }

    /** One line: "kept 998 of 1000 records; skipped 2: 1 missing image, 1 empty caption". */
    public String summary() {
        StringBuilder sb = new StringBuilder("kept " + recordsKept() + " of " + recordsRead + " records");
        if (issues.isEmpty()) return sb.append("; skipped none").toString();
        sb.append("; skipped ").append(issues.size()).append(':');
        String sep = " ";
        for (Map.Entry<DataIssue.Kind, Integer> e : countsByKind().entrySet()) {
            sb.append(sep).append(e.getValue()).append(' ').append(e.getKey().label());
            sep = ", ";
        }
        return sb.toString();
    }
}
