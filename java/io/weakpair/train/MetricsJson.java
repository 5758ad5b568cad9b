package io.weakpair.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weakpair.eval.RetrievalMetrics;
import io.weakpair.eval.TextToImageEvaluation;

import java.util.Map;

/**
 * A run's {@code metrics.json}: per ranking ("itc", "itm", "itc+itm") R@1, R@5, R@10, mAP and
 * mINP in percent, the query and gallery counts, and the seconds spent training, embedding and
 * re-ranking.
 */
public final class MetricsJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsJson() {}

    public static String of(TextToImageEvaluation.Result eval, double trainSeconds) {
        ObjectNode n = JSON.createObjectNode();
        n.put("queries", eval.queries()).put("gallery", eval.gallery());
        for (Map.Entry<String, RetrievalMetrics> e : eval.metrics().entrySet()) {
            ObjectNode m = n.putObject(e.getKey());
            for (Map.Entry<String, Double> v : e.getValue().asMap().entrySet()) m.put(v.getKey(), round(v.getValue()));
        }
        n.put("train_seconds", round(trainSeconds)).put("embed_seconds", round(eval.embedSeconds()))
                .put("rerank_seconds", round(eval.rerankSeconds()));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("metrics.json: " + e.getMessage(), e);
        }
    }

    private static double round(double v) { return Math.round(v * 1e4) / 1e4; }
}
