package io.weakpair.cli;

import static io.weakpair.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weakpair.data.DataRecord;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.Split;
import io.weakpair.eval.RetrievalMetrics;
import io.weakpair.eval.TextToImageEvaluation;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.tensor.Device;
import io.weakpair.testing.CliRun;
import io.weakpair.testing.TinyDatasets;
import io.weakpair.text.Vocabulary;
import io.weakpair.text.VocabularyBuilder;
import io.weakpair.text.WordPieceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weakpair eval} end to end on a tiny dataset (4 test people x 3 images x 2 captions) with a
 * freshly initialised tiny checkpoint: the table, the JSON (equal to evaluating in-process), the
 * report; and every bad argument or missing file one error line with the right exit code.
 */
class EvalCommandTest {
    @TempDir
    static Path dir;

    static Path data, ck;

    @BeforeAll
    static void checkpoint() throws IOException {
        data = TinyDatasets.write(dir.resolve("data"), 2, 4, 3, false);
        List<String> captions = new ArrayList<>();
        for (DataRecord r : DatasetReader.read(data).records()) captions.addAll(r.captions());
        Path vocab = dir.resolve("vocab.txt");
        VocabularyBuilder.build(captions, 4096, 1).write(vocab);
        ck = dir.resolve("ck.safetensors");
        CliRun init =
                run("init", "--preset", "tiny", "--vocab", vocab.toString(), "--out", ck.toString(), "--seed", "4");
        assertEquals(0, init.code(), init.err());
    }

    private static void oneLineError(CliRun r, int code, String... mentions) {
        String err = r.err().strip();
        assertEquals(code, r.code(), "exit code; stderr: " + err + "; stdout: " + r.out());
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        for (String m : mentions) assertTrue(err.contains(m), "'" + err + "' should mention '" + m + "'");
    }

    @Test
    void evaluatesPrintsTheTableWritesTheJsonBesideTheCheckpointAndTheReport() throws IOException {
        Path report = dir.resolve("report");
        CliRun r = run(
                "eval",
                "--checkpoint",
                ck.toString(),
                "--dataset",
                data.toString(),
                "--image-check",
                "exists",
                "--report",
                report.toString(),
                "--report-queries",
                "6");
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(out.contains("k_test 32"), "no k_test recorded in the checkpoint: the default; " + out);
        assertTrue(out.contains("text-to-image retrieval on the test split: 24 queries, 12 images"), out);
        assertTrue(out.contains(RetrievalMetrics.header()), out);
        for (String ranking : List.of("itc ", "itm ", "itc+itm "))
            assertTrue(
                    out.lines().anyMatch(l -> l.startsWith(ranking) && l.endsWith(" 24")), ranking + " row in " + out);

        Path json = dir.resolve("ck.eval-test.json");
        JsonNode m = new ObjectMapper().readTree(json.toFile());
        assertEquals(24, m.get("queries").asInt());
        assertEquals(12, m.get("gallery").asInt());
        assertEquals(32, m.get("k_test").asInt());
        assertEquals("test", m.get("split").asText());
        // The same numbers as evaluating in this process (the command loads this checkpoint and this split).
        DatasetSplit test = DatasetReader.read(data).split(Split.TEST);
        try (AlbefModel model = ModelCheckpoint.load(ck, Device.CPU)) {
            TextToImageEvaluation.Result direct = TextToImageEvaluation.run(
                    model,
                    new WordPieceTokenizer(Vocabulary.read(ModelCheckpoint.vocabularyPath(ck))),
                    test,
                    32,
                    128,
                    (java.io.PrintStream) null);
            for (Map.Entry<String, RetrievalMetrics> e : direct.metrics().entrySet())
                for (Map.Entry<String, Double> v : e.getValue().asMap().entrySet())
                    assertEquals(
                            v.getValue(),
                            m.get(e.getKey()).get(v.getKey()).asDouble(),
                            1e-4,
                            e.getKey() + " " + v.getKey());
        }
        String html = Files.readString(report.resolve("index.html"));
        assertEquals(6, html.split("<section class=\"query ", -1).length - 1);
        assertTrue(Files.isDirectory(report.resolve("thumbs")));
    }

    @Test
    void kTestZeroRanksBySimilarityAloneAndOutputGoesWhereAsked() throws IOException {
        Path out = dir.resolve("sub/metrics.json");
        CliRun r = run(
                "eval",
                data.toString(),
                "--checkpoint",
                ck.toString(),
                "--k-test",
                "0",
                "--output",
                out.toString(),
                "--image-check",
                "exists");
        assertEquals(0, r.code(), r.err());
        JsonNode m = new ObjectMapper().readTree(out.toFile());
        assertTrue(m.has("itc") && !m.has("itm") && !m.has("itc+itm"), m.toString());
        assertEquals(0, m.get("k_test").asInt());
        assertFalse(r.out().lines().anyMatch(l -> l.startsWith("itm")), r.out());
    }

    @Test
    void badUsageIsExitCodeTwo() {
        String c = ck.toString();
        oneLineError(run("eval"), 2, "--checkpoint");
        oneLineError(run("eval", "--checkpoint", c, "--k-test", "-1", data.toString()), 2, "--k-test", "-1");
        oneLineError(run("eval", "--checkpoint", c, "--split", "train", data.toString()), 2, "--split", "train");
        oneLineError(run("eval", "--checkpoint", c, "--split", "dev", data.toString()), 2, "dev");
        oneLineError(run("eval", "--checkpoint", c, "--batch", "0", data.toString()), 2, "--batch");
        oneLineError(run("eval", "--checkpoint", c, "--output", c, data.toString()), 2, "--output", "same file");
        oneLineError(
                run("eval", "--checkpoint", c, "--dataset", dir.toString(), data.toString()), 2, "--dataset", "differ");
        oneLineError(run("eval", "--checkpoint", c, "--device", "tpu", data.toString()), 2, "--device");
        assertTrue(Files.exists(ck), "the checkpoint is never touched");
    }

    @Test
    void missingOrUnusableFilesAreExitCodeOne() throws IOException {
        oneLineError(
                run("eval", "--checkpoint", dir.resolve("nope.safetensors").toString(), data.toString()),
                1,
                "--checkpoint file not found",
                "nope.safetensors");
        Path lonely = dir.resolve("lonely.safetensors");
        Files.copy(ck, lonely);
        oneLineError(
                run("eval", "--checkpoint", lonely.toString(), data.toString()),
                1,
                "no vocabulary beside it",
                "lonely.vocab.txt");
        oneLineError(
                run(
                        "eval",
                        "--checkpoint",
                        ck.toString(),
                        "--split",
                        "val",
                        "--image-check",
                        "exists",
                        data.toString()),
                1,
                "no val split");
        oneLineError(
                run(
                        "eval",
                        "--checkpoint",
                        ck.toString(),
                        dir.resolve("no-such-data").toString()),
                1,
                "dataset folder not found");
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        oneLineError(
                run("eval", "--checkpoint", ck.toString(), "--report", file.toString(), data.toString()),
                1,
                "--report",
                "not a folder");
        assertFalse(Files.exists(dir.resolve("lonely.eval-test.json")));
    }
}
