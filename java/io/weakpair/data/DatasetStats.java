package io.weakpair.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Per-split counts of a dataset, for `weakpair data stats` and run reports. */
public final class DatasetStats {
    /** Counts of one split; caption lengths are in words. */
    public record SplitStats(
            Split split,
            int identities,
            int images,
            int captions,
            int captionWordsMin,
            double captionWordsMean,
            int captionWordsMax,
            int imagesPerIdMin,
            double imagesPerIdMean,
            int imagesPerIdMax) {}

    private DatasetStats() {}

    public static SplitStats of(DatasetSplit s) {
        int min = Integer.MAX_VALUE, max = 0;
        long words = 0;
        int captions = 0;
        for (DataRecord r : s.records()) {
            for (String c : r.captions()) {
                int n = wordCount(c);
                min = Math.min(min, n);
                max = Math.max(max, n);
                words += n;
                captions++;
            }
        }
        int perMin = Integer.MAX_VALUE, perMax = 0;
        for (int l = 0; l < s.numIdentities(); l++) {
            int n = s.recordsOf(l).size();
            perMin = Math.min(perMin, n);
            perMax = Math.max(perMax, n);
        }
        int ids = s.numIdentities();
        return new SplitStats(
                s.split(),
                ids,
                s.numImages(),
                captions,
                captions == 0 ? 0 : min,
                captions == 0 ? 0 : (double) words / captions,
                max,
                ids == 0 ? 0 : perMin,
                ids == 0 ? 0 : (double) s.numImages() / ids,
                perMax);
    }

    static int wordCount(String caption) {
        String t = caption.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    /** The table `weakpair data stats` prints. */
    public static String format(Dataset d) {
        StringBuilder sb = new StringBuilder();
        sb.append("dataset: ").append(d.root()).append(" (").append(d.format()).append(" format)\n");
        sb.append("records: ").append(d.report().summary()).append('\n');
        sb.append(String.format(
                Locale.ROOT,
                "%-6s %10s %8s %9s   %-26s %s%n",
                "split",
                "identities",
                "images",
                "captions",
                "caption words",
                "images per identity"));
        sb.append(String.format(
                Locale.ROOT, "%-6s %10s %8s %9s   %-26s %s%n", "", "", "", "", "min / mean / max", "min / mean / max"));
        List<SplitStats> rows = new ArrayList<>();
        for (Split s : Split.values()) rows.add(of(d.split(s)));
        for (SplitStats r : rows) {
            sb.append(String.format(
                    Locale.ROOT,
                    "%-6s %10d %8d %9d   %-26s %s%n",
                    r.split(),
                    r.identities(),
                    r.images(),
                    r.captions(),
                    r.captions() == 0
                            ? "-"
                            : String.format(
                                    Locale.ROOT,
                                    "%d / %.1f / %d",
                                    r.captionWordsMin(),
                                    r.captionWordsMean(),
                                    r.captionWordsMax()),
                    r.identities() == 0
                            ? "-"
                            : String.format(
                                    Locale.ROOT,
                                    "%d / %.2f / %d",
                                    r.imagesPerIdMin(),
                                    r.imagesPerIdMean(),
                                    r.imagesPerIdMax())));
        }
        Map<DataIssue.Kind, Integer> counts = d.report().countsByKind();
        if (!counts.isEmpty()) {
            sb.append("skipped records by reason:\n");
            for (Map.Entry<DataIssue.Kind, Integer> e : counts.entrySet()) {
                sb.append(String.format(Locale.ROOT, "  %-26s %d%n", e.getKey().label(), e.getValue()));
            }
            List<DataIssue> issues = d.report().issues();
            int shown = Math.min(10, issues.size());
            sb.append("first skipped records:\n");
            for (int i = 0; i < shown; i++)
                sb.append("  ").append(issues.get(i)).append('\n');
            if (issues.size() > shown)
                sb.append("  ... and ").append(issues.size() - shown).append(" more\n");
        }
        return sb.toString();
    }
}
