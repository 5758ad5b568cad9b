package io.weakpair.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weakpair.eval.TextToImageEvaluation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Retrieval metrics per epoch, for the end-of-training plot: one JSON line per evaluation in
 * {@code RUN/epoch-metrics.jsonl}, the {@link MetricsTable#json} object with {@code epoch} (from 1)
 * and {@code split} in front. Appended like the step log, so a run that stops keeps its past epochs.
 */
public final class EpochMetricsLog {
    /** The file name in a run folder. */
    public static final String FILE = "epoch-metrics.jsonl";

    private EpochMetricsLog() {}

    /** Appends the evaluation after epoch {@code epoch} (1-based) on {@code split} to {@code runDir}/{@value #FILE}. */
    public static void append(Path runDir, int epoch, String split, TextToImageEvaluation.Result result)
            throws IOException {
        if (epoch < 1) throw new IllegalArgumentException("epoch metrics: epoch counts from 1, got " + epoch);
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("epoch", epoch);
        context.put("split", split);
        ObjectNode line = MetricsTable.json(result, context);
        Files.createDirectories(runDir);
        Files.writeString(
                runDir.resolve(FILE),
                MetricsTable.JSON.writeValueAsString(line) + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }
}
