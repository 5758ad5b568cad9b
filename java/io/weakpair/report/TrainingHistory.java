package io.weakpair.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run folder says about its training: the step log ({@code log.jsonl}: epoch, step and
 * the loss terms of each step) and the retrieval metrics per epoch ({@value EpochMetricsLog#FILE},
 * else the final {@code metrics.json} counted as the last epoch's), and the periodic evaluations
 * that {@code log.jsonl} interleaves with the steps. A malformed line is an error
 * naming the file and line, never skipped.
 */
public record TrainingHistory(
        List<Step> steps, Map<Integer, Map<String, Map<String, Double>>> epochMetrics, List<Evaluation> evaluations) {
    /** The step log's file name in a run folder. */
    public static final String STEP_LOG = "log.jsonl";
    /** The final metrics' file name in a run folder. */
    public static final String FINAL_METRICS = "metrics.json";
    /** The loss terms a step line may carry besides the total "loss"; a missing one is NaN. */
    public static final List<String> TERMS = List.of("itc", "matching", "mlm");

    /** One logged step: epoch from 0, step from 0, the total loss and its {@link #TERMS} (NaN where absent). */
    public record Step(int epoch, long step, double loss, double[] terms) {}

    /** A periodic evaluation's line ({@code eval_every}): after {@code step} steps, on {@code split}, the metrics of each ranking. */
    public record Evaluation(long step, String split, Map<String, Map<String, Double>> rankings) {}

    public TrainingHistory {
        steps = List.copyOf(steps);
        evaluations = List.copyOf(evaluations);
        epochMetrics = java.util.Collections.unmodifiableMap(new TreeMap<>(epochMetrics));
    }

    /** Reads a run folder; the step log must exist, the metrics files are optional. */
    public static TrainingHistory read(Path runDir) throws IOException {
        Path log = runDir.resolve(STEP_LOG);
        if (!Files.isRegularFile(log))
            throw new IllegalArgumentException(runDir + ": no training log (" + STEP_LOG + ") in this folder");
        List<Step> steps = new ArrayList<>();
        List<Evaluation> evaluations = new ArrayList<>();
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            JsonNode o = parse(log, i, lines.get(i));
            if (o.has("eval")) {
                evaluations.add(new Evaluation(
                        (long) number(log, i, o, "step"), o.get("eval").asText(), rankings(o)));
                continue;
            }
            double[] terms = new double[TERMS.size()];
            for (int t = 0; t < terms.length; t++)
                terms[t] = o.has(TERMS.get(t)) ? number(log, i, o, TERMS.get(t)) : Double.NaN;
            steps.add(new Step(
                    (int) number(log, i, o, "epoch"),
                    (long) number(log, i, o, "step"),
                    number(log, i, o, "loss"),
                    terms));
        }
        Map<Integer, Map<String, Map<String, Double>>> metrics = new TreeMap<>();
        Path perEpoch = runDir.resolve(EpochMetricsLog.FILE), last = runDir.resolve(FINAL_METRICS);
        if (Files.isRegularFile(perEpoch)) {
            List<String> ml = Files.readAllLines(perEpoch, StandardCharsets.UTF_8);
            for (int i = 0; i < ml.size(); i++) {
                if (ml.get(i).isBlank()) continue;
                JsonNode o = parse(perEpoch, i, ml.get(i));
                metrics.put((int) number(perEpoch, i, o, "epoch"), rankings(o));
            }
        } else if (Files.isRegularFile(last) && !steps.isEmpty()) {
            int epochs = steps.get(steps.size() - 1).epoch() + 1;
            metrics.put(epochs, rankings(parse(last, -1, Files.readString(last, StandardCharsets.UTF_8))));
        }
        return new TrainingHistory(steps, metrics, evaluations);
    }

    /** The ranking objects of a metrics JSON object: every field whose value is an object of numbers. */
    private static Map<String, Map<String, Double>> rankings(JsonNode o) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            if (!e.getValue().isObject()) continue;
            Map<String, Double> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> m : e.getValue().properties())
                if (m.getValue().isNumber()) values.put(m.getKey(), m.getValue().asDouble());
            out.put(e.getKey(), values);
        }
        return out;
    }

    private static JsonNode parse(Path file, int line, String text) {
        try {
            JsonNode o = MetricsTable.JSON.readTree(text);
            if (o == null || !o.isObject())
                throw new IllegalArgumentException(where(file, line) + ": not a JSON object");
            return o;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(where(file, line) + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static double number(Path file, int line, JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || !v.isNumber())
            throw new IllegalArgumentException(
                    where(file, line) + ": field '" + field + "' is missing or not a number");
        return v.asDouble();
    }

    private static String where(Path file, int line) {
        return line < 0 ? file.toString() : file + " line " + (line + 1);
    }
}
