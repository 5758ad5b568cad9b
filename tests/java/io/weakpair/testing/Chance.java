package io.weakpair.testing;

import io.weakpair.data.DataRecord;
import io.weakpair.data.DatasetSplit;
import java.util.HashMap;
import java.util.Map;

/** What a random ranking scores, to judge a trained one against. */
public final class Chance {
    private Chance() {}

    /** R@1 of a random ranking: per query, its correct images over the gallery, averaged over the queries. */
    public static double r1(DatasetSplit split) {
        Map<Integer, Integer> perLabel = new HashMap<>();
        for (DataRecord r : split.records()) perLabel.merge(r.label(), 1, Integer::sum);
        double sum = 0;
        int queries = 0;
        for (DataRecord r : split.records()) {
            sum += r.captions().size() * perLabel.get(r.label()) / (double) split.numImages();
            queries += r.captions().size();
        }
        return sum / queries;
    }
}
