package io.weakpair.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weakpair.eval.RetrievalMetrics;
import io.weakpair.eval.TextToImageEvaluation;
import io.weakpair.io.AtomicFile;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * How retrieval results are shown and stored, the same for {@code train} and {@code eval}: a
 * table on the terminal, and a JSON object ({@code queries}, {@code gallery}, the timing, and
 * one object per ranking with R@1, R@5, R@10, mAP and mINP in percent).
 */
public final class MetricsTable {
    static final ObjectMapper JSON = new ObjectMapper();

    private MetricsTable() {}

    /** The summary line (split, counts, timing), then the table: a header and one row per ranking. */
    public static void print(PrintStream out, String split, TextToImageEvaluation.Result result) {
        out.printf(
                Locale.ROOT,
                "text-to-image retrieval on the %s split: %d queries, %d images (embedding %.1f s, re-ranking %.1f s)%n",
                split,
                result.queries(),
                result.gallery(),
                result.embedSeconds(),
                result.rerankSeconds());
        out.println(RetrievalMetrics.header());
        for (Map.Entry<String, RetrievalMetrics> e : result.metrics().entrySet())
            out.println(e.getValue().row(e.getKey()));
    }

    /**
     * An ordered context for {@link #json} from alternating keys and values, so metrics.json lists
     * them the same way in every process ({@code Map.of}'s order changes from one JVM to the next).
     */
    public static Map<String, Object> context(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0)
            throw new IllegalArgumentException("metrics context: keys and values must pair up");
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    /**
     * The JSON object: {@code context} first (what was evaluated: checkpoint, dataset, split, k_test; any
     * value Jackson writes), then the counts, the timing and the rankings.
     */
    public static ObjectNode json(TextToImageEvaluation.Result result, Map<String, ?> context) {
        ObjectNode o = JSON.createObjectNode();
        for (Map.Entry<String, ?> e : context.entrySet()) o.set(e.getKey(), JSON.valueToTree(e.getValue()));
        o.put("queries", result.queries());
        o.put("gallery", result.gallery());
        o.put("embed_seconds", round(result.embedSeconds(), 2));
        o.put("rerank_seconds", round(result.rerankSeconds(), 2));
        for (Map.Entry<String, RetrievalMetrics> e : result.metrics().entrySet()) {
            ObjectNode ranking = o.putObject(e.getKey());
            for (Map.Entry<String, Double> m : e.getValue().asMap().entrySet())
                ranking.put(m.getKey(), round(m.getValue(), 4));
        }
        return o;
    }

    /** Writes {@link #json} to {@code file} (pretty-printed, replaced atomically). */
    public static void write(Path file, TextToImageEvaluation.Result result, Map<String, ?> context)
            throws IOException {
        byte[] bytes = (JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json(result, context)) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, bytes);
    }

    // Percentages to 4 decimals are exact enough for any comparison and keep the file readable.
    private static double round(double v, int decimals) {
        return Double.isFinite(v)
                ? BigDecimal.valueOf(v)
                        .setScale(decimals, RoundingMode.HALF_EVEN)
                        .doubleValue()
                : v;
    }
}
