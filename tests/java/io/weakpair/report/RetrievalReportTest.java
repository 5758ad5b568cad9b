package io.weakpair.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.data.BatchPlans;
import io.weakpair.data.DataRecord;
import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.Instance;
import io.weakpair.data.Split;
import io.weakpair.eval.RetrievalEvaluator;
import io.weakpair.eval.RetrievalMetrics;
import io.weakpair.eval.TextToImageEvaluation;
import io.weakpair.testing.TinyDatasets;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report on a planted evaluation: 4 test people x 3 images x 2 captions; each caption is
 * most similar to its own image (0.9), then its person's other images (0.5, the weak pairs), except
 * that person 0's captions find a wrong image first (0.95): those are the failures.
 */
class RetrievalReportTest {
    static final double TAU = 0.5;

    @TempDir
    static Path dir;

    static DatasetSplit test;
    static TextToImageEvaluation.Result result;

    @BeforeAll
    static void plant() throws IOException {
        Dataset ds = DatasetReader.read(TinyDatasets.write(dir.resolve("data"), 2, 4, 3, true));
        test = ds.split(Split.TEST);
        List<DataRecord> gallery = test.records();
        List<Instance> queries = BatchPlans.queries(test);
        int g = gallery.size(), q = queries.size();
        float[] sim = new float[q * g];
        int[] ql = new int[q], gl = new int[g];
        for (int i = 0; i < g; i++) gl[i] = gallery.get(i).label();
        SplittableRandom rng = new SplittableRandom(3);
        int wrongForFirst = -1;
        for (int i = 0; i < g; i++)
            if (gl[i] != gl[0]) {
                wrongForFirst = i;
                break;
            }
        for (int a = 0; a < q; a++) {
            DataRecord own = queries.get(a).record();
            ql[a] = own.label();
            for (int b = 0; b < g; b++) {
                DataRecord r = gallery.get(b);
                sim[a * g + b] = r == own ? 0.9f : r.label() == own.label() ? 0.5f : (float) (0.4 * rng.nextDouble());
            }
            if (own.label() == gl[0]) sim[a * g + wrongForFirst] = 0.95f;
        }
        Map<String, RetrievalMetrics> metrics = new LinkedHashMap<>();
        metrics.put("itc", RetrievalEvaluator.evaluate(sim, q, g, ql, gl));
        result = new TextToImageEvaluation.Result(metrics, q, g, 0.1, 0, sim, null);
    }

    private static String write(Path out, int queries) throws IOException {
        RetrievalReport.write(
                out,
                test,
                result,
                new RetrievalReport.Context("report <test> & \"title\"", "test", "itc", TAU),
                RetrievalReport.Options.defaults().withQueries(queries).withSeed(5));
        return Files.readString(out.resolve(RetrievalReport.INDEX), StandardCharsets.UTF_8);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }

    @Test
    void showsTheChosenQueriesHalfFailuresWithEscapedTextAndMarkedPairs() throws IOException {
        Path out = dir.resolve("report");
        String html = write(out, 10);
        assertEquals(10, count(html, "<section class=\"query "));
        assertEquals(5, count(html, "<section class=\"query miss\""), "half the shown queries are failures (6 exist)");
        // Every caption, path and title is escaped.
        assertTrue(html.contains("with a &lt;b&gt;bold&lt;/b&gt; &quot;quoted&quot; &amp; &#39;odd&#39; bag"), html);
        assertFalse(
                html.contains("<b>bold</b>") || html.contains("<test>"),
                "raw markup from the data must not reach the page");
        assertTrue(html.contains("<h1>report &lt;test&gt; &amp; &quot;title&quot;</h1>"));
        // The metrics table at the top, with the planted R@1 (18 of 24 queries correct at rank 1).
        assertTrue(html.indexOf("<table class=\"metrics\">") < html.indexOf("<section"));
        assertTrue(html.contains("<td>itc</td><td>75.00</td>"), html);
        // Confidence c_t2i (docs/method.md section 1): own exp(0.9/tau), each weak pair exp(0.5/tau), over their sum.
        double own = Math.exp(0.9 / TAU), weak = Math.exp(0.5 / TAU), sum = own + 2 * weak;
        assertTrue(html.contains(String.format(Locale.ROOT, "own image, c = %.2f", own / sum)), html);
        assertTrue(html.contains(String.format(Locale.ROOT, "weak pair, c = %.2f", weak / sum)), html);
        // Shown images: 11 per query (its own, then the top 10), thumbnails in the folder.
        assertEquals(10 * 11, count(html, "<figure "));
        assertEquals(10 * 2, count(html, "weak pair, c ="), "both weak pairs of each query are in its top 10");
        Matcher m = Pattern.compile("src=\"(thumbs/[^\"]+)\"").matcher(html);
        int images = 0;
        while (m.find()) {
            BufferedImage thumb = ImageIO.read(out.resolve(m.group(1)).toFile());
            assertTrue(thumb != null && thumb.getHeight() == 40 && thumb.getWidth() == 16, m.group(1));
            images++;
        }
        assertEquals(10 * 11, images);
    }

    @Test
    void replacesItsOwnEarlierReportButNoOtherFolderAndLeavesNoTemporaryFiles() throws IOException {
        Path out = dir.resolve("again");
        write(out, 3);
        String second = write(out, 4);
        assertEquals(4, count(second, "<section class=\"query "));
        try (Stream<Path> s = Files.list(dir)) {
            assertFalse(
                    s.anyMatch(p -> p.getFileName().toString().startsWith(".")), "temporary folders are cleaned up");
        }
        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "keep me");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> write(foreign, 3));
        assertTrue(e.getMessage().contains("not empty and holds no index.html"), e.getMessage());
        assertEquals("keep me", Files.readString(foreign.resolve("notes.txt")));
        List<Path> left = new ArrayList<>();
        try (Stream<Path> s = Files.list(foreign)) {
            s.forEach(left::add);
        }
        assertEquals(1, left.size());
    }

    @Test
    void theSampleIsSeededAndCappedAtTheQueryCount() throws IOException {
        String a = write(dir.resolve("a"), 100), b = write(dir.resolve("b"), 100);
        assertEquals(24, count(a, "<section class=\"query "));
        assertEquals(a, b);
        int[] chosen = QuerySample.choose(new boolean[] {true, false, true, true, false, true}, 4, 1);
        assertEquals(4, chosen.length);
        int misses = 0;
        for (int c : chosen) if (c == 1 || c == 4) misses++;
        assertEquals(2, misses);
    }
}
