package io.weakpair.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weakpair.data.BatchPlans;
import io.weakpair.data.DataRecord;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.synth.SyntheticGenerator;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ImageEncoder;
import io.weakpair.model.Inference;
import io.weakpair.progress.ProgressFactory;
import io.weakpair.progress.TaskProgress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a model's image features say about a person: for every attribute the synthetic
 * generator wrote down (gender, garment types and colours, shoes, hair, headwear, what is
 * carried, the logo, and skin tone, which no caption mentions), a linear probe fitted on the
 * frozen features of the training split's images and scored on the test split's. An attribute
 * near its majority rate is one the encoder does not see (or the features do not keep).
 *
 * <p>The features probed are the unit-length contrastive image features: what retrieval and
 * search compare with a caption.
 */
public final class AttributeProbe {
    /**
     * One attribute's result.
     *
     * @param majority the test accuracy of always answering the training split's most common value
     * @param accuracy the probe's test accuracy
     */
    public record Row(
            String attribute, int classes, int trainImages, int testImages, double majority, double accuracy) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private AttributeProbe() {}

    /** The ground truth of a synthetic dataset: image path (as the annotation file names it) to attribute to value. */
    public static Map<String, Map<String, String>> groundTruth(Path datasetRoot) throws IOException {
        Path images = datasetRoot.resolve(SyntheticGenerator.IMAGES_FILE),
                identities = datasetRoot.resolve(SyntheticGenerator.IDENTITIES_FILE);
        if (!Files.isRegularFile(images) || !Files.isRegularFile(identities))
            throw new IllegalArgumentException(datasetRoot
                    + ": the probe needs the synthetic generator's ground truth (" + SyntheticGenerator.IMAGES_FILE
                    + " and " + SyntheticGenerator.IDENTITIES_FILE + "); generate the data with weakpair synth");
        Map<Integer, Map<String, String>> byId = new HashMap<>();
        for (JsonNode who : JSON.readTree(identities.toFile())) {
            Map<String, String> attributes = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it =
                            who.path("appearance").fields();
                    it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                attributes.put(
                        e.getKey(),
                        e.getValue().isNull() ? "none" : e.getValue().asText());
            }
            byId.put(who.path("id").asInt(), attributes);
        }
        Map<String, Map<String, String>> byPath = new HashMap<>();
        for (JsonNode image : JSON.readTree(images.toFile())) {
            Map<String, String> attributes = byId.get(image.path("id").asInt());
            if (attributes == null)
                throw new IllegalArgumentException(
                        images + ": image " + image.path("file_path").asText() + " names identity "
                                + image.path("id").asInt() + ", which " + identities.getFileName() + " does not list");
            byPath.put(image.path("file_path").asText(), attributes);
        }
        return byPath;
    }

    /** Unit-length image features of every image of {@code split}, in record order. */
    public static float[][] imageFeatures(
            AlbefModel model, DatasetSplit split, int batchSize, ProgressFactory progress) {
        float[][] rows = new float[split.numImages()][];
        int[] done = {0};
        try (Inference on = Inference.on(model);
                TaskProgress bar = progress.open(
                        "embedding the " + split.split().fileName() + " images", split.numImages(), "images")) {
            new ImageEncoder(model).encodeAll(BatchPlans.gallery(split, batchSize), 2, 2, (b, encoded) -> {
                float[][] batchRows = ImageEncoder.rows(encoded.features());
                System.arraycopy(batchRows, 0, rows, done[0], batchRows.length);
                done[0] += b.size();
                bar.advance(b.size());
            });
        }
        return rows;
    }

    /**
     * Fits and scores one probe per attribute. {@code truth} is {@link #groundTruth}; every
     * record of both splits must be in it (a missing one is an error naming it: no image is
     * silently left out).
     */
    public static List<Row> run(
            float[][] trainFeatures,
            DatasetSplit train,
            float[][] testFeatures,
            DatasetSplit test,
            Map<String, Map<String, String>> truth) {
        List<Map<String, String>> trainTruth = truthOf(train, truth), testTruth = truthOf(test, truth);
        List<Row> rows = new ArrayList<>();
        // The generator leaves out what does not apply (no headwear colour without headwear): "none".
        java.util.LinkedHashSet<String> attributes = new java.util.LinkedHashSet<>();
        for (Map<String, String> t : trainTruth) attributes.addAll(t.keySet());
        for (String attribute : attributes) {
            // Classes are the values seen in either split, in sorted order (stable across runs).
            TreeSet<String> values = new TreeSet<>();
            for (Map<String, String> t : trainTruth) values.add(t.getOrDefault(attribute, "none"));
            for (Map<String, String> t : testTruth) values.add(t.getOrDefault(attribute, "none"));
            List<String> classes = new ArrayList<>(values);
            int[] yTrain = labels(trainTruth, attribute, classes), yTest = labels(testTruth, attribute, classes);
            int[] counts = new int[classes.size()];
            for (int y : yTrain) counts[y]++;
            int majority = 0;
            for (int c = 1; c < counts.length; c++) if (counts[c] > counts[majority]) majority = c;
            int majorityRight = 0;
            for (int y : yTest) if (y == majority) majorityRight++;
            SoftmaxProbe probe = SoftmaxProbe.fit(trainFeatures, yTrain, classes.size(), 1e-3, 300);
            rows.add(new Row(
                    attribute,
                    classes.size(),
                    yTrain.length,
                    yTest.length,
                    majorityRight / (double) yTest.length,
                    probe.accuracy(testFeatures, yTest)));
        }
        return rows;
    }

    private static List<Map<String, String>> truthOf(DatasetSplit split, Map<String, Map<String, String>> truth) {
        if (split == null || split.isEmpty()) throw new IllegalArgumentException("probe: a split holds no image");
        List<Map<String, String>> out = new ArrayList<>();
        for (DataRecord r : split.records()) {
            Map<String, String> t = truth.get(r.path());
            if (t == null)
                throw new IllegalArgumentException(
                        "probe: " + r.where() + " has no ground truth in " + SyntheticGenerator.IMAGES_FILE);
            out.add(t);
        }
        return out;
    }

    private static int[] labels(List<Map<String, String>> truth, String attribute, List<String> classes) {
        int[] y = new int[truth.size()];
        for (int i = 0; i < y.length; i++) y[i] = classes.indexOf(truth.get(i).getOrDefault(attribute, "none"));
        return y;
    }

    /** A markdown table of the rows. */
    public static String table(List<Row> rows) {
        StringBuilder sb =
                new StringBuilder("| attribute | classes | majority | probe | gain |\n|---|---|---|---|---|\n");
        for (Row r : rows)
            sb.append(String.format(
                    java.util.Locale.ROOT,
                    "| %s | %d | %.3f | %.3f | %+.3f |%n",
                    r.attribute(),
                    r.classes(),
                    r.majority(),
                    r.accuracy(),
                    r.accuracy() - r.majority()));
        return sb.toString();
    }
}
