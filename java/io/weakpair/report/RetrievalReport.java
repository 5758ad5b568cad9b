package io.weakpair.report;

import io.weakpair.data.BatchPlans;
import io.weakpair.data.DataRecord;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.Instance;
import io.weakpair.eval.Ranking;
import io.weakpair.eval.RetrievalMetrics;
import io.weakpair.eval.TextToImageEvaluation;
import io.weakpair.io.AtomicDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTML report of retrieval examples that opens offline in a browser: the metrics table,
 * then for a seeded sample of queries (half of them failures where there are enough) the
 * caption, its own image, and the top images of the final ranking as thumbnails, each marked
 * as the caption's own image, a weak pair (same person, another image) with the method's
 * confidence, or a wrong person. The folder ({@code index.html} and {@code thumbs/}) is
 * written whole or not at all.
 */
public final class RetrievalReport {
    /** The page; also the mark of a folder this class may replace. */
    public static final String INDEX = "index.html";

    public static final String THUMBS = "thumbs";

    /**
     * @param queries      how many queries to show (at least 1)
     * @param top          images shown per query (at least 1)
     * @param seed         the sample's seed
     * @param thumbHeight  thumbnail height in pixels
     */
    public record Options(int queries, int top, long seed, int thumbHeight) {
        public Options {
            if (queries < 1) throw new IllegalArgumentException("report: queries must be at least 1, got " + queries);
            if (top < 1) throw new IllegalArgumentException("report: top must be at least 1, got " + top);
            if (thumbHeight < 8)
                throw new IllegalArgumentException("report: thumbnail height must be at least 8, got " + thumbHeight);
        }

        public static Options defaults() {
            return new Options(24, 10, 0, 128);
        }

        public Options withQueries(int n) {
            return new Options(n, top, seed, thumbHeight);
        }

        public Options withSeed(long s) {
            return new Options(queries, top, s, thumbHeight);
        }
    }

    /** What the report's heading says about the evaluation (free text; escaped). */
    public record Context(String title, String split, String ranking, double temperature) {}

    private RetrievalReport() {}

    /**
     * Writes the report folder {@code dir} for an evaluation of {@code split} ({@code result}
     * of {@link TextToImageEvaluation#run} on that split).
     */
    public static void write(
            Path dir, DatasetSplit split, TextToImageEvaluation.Result result, Context context, Options options)
            throws IOException {
        List<Instance> queries = BatchPlans.queries(split);
        List<DataRecord> gallery = split.records();
        int q = queries.size(), g = gallery.size();
        if (q != result.queries() || g != result.gallery())
            throw new IllegalArgumentException(
                    "report: the evaluation has " + result.queries() + " queries and " + result.gallery()
                            + " images but the split has " + q + " and " + g + "; pass the split that was evaluated");
        Map<DataRecord, Integer> galleryIndex = new HashMap<>();
        int[] galleryLabels = new int[g], queryLabels = new int[q], ownImage = new int[q];
        for (int i = 0; i < g; i++) {
            galleryIndex.put(gallery.get(i), i);
            galleryLabels[i] = gallery.get(i).label();
        }
        int[][] top = new int[q][];
        boolean[] hit = new boolean[q];
        for (int i = 0; i < q; i++) {
            queryLabels[i] = queries.get(i).record().label();
            ownImage[i] = galleryIndex.get(queries.get(i).record());
            top[i] = result.rankings() != null
                    ? Arrays.copyOf(result.rankings()[i], Math.min(options.top(), g))
                    : Ranking.topK(Arrays.copyOfRange(result.similarity(), i * g, (i + 1) * g), options.top());
            hit[i] = galleryLabels[top[i][0]] == queryLabels[i];
        }
        int[] chosen = QuerySample.choose(hit, options.queries(), options.seed());
        float[][] confidence =
                PairConfidence.of(result.similarity(), g, context.temperature(), galleryLabels, queryLabels, chosen);

        AtomicDirectory.write(dir, INDEX, out -> {
            Path thumbs = Files.createDirectory(out.resolve(THUMBS));
            boolean[] written = new boolean[g];
            StringBuilder html = new StringBuilder();
            head(html, context, result, chosen.length);
            for (int j = 0; j < chosen.length; j++) {
                int qi = chosen[j];
                Instance query = queries.get(qi);
                html.append("<section class=\"query ")
                        .append(hit[qi] ? "hit" : "miss")
                        .append("\">\n");
                html.append(String.format(
                        Locale.ROOT,
                        "<h2>Query %d &middot; person %d &middot; %s</h2>%n",
                        qi,
                        query.record().id(),
                        firstCorrect(galleryLabels, queryLabels[qi], top[qi])));
                html.append("<p class=\"caption\">")
                        .append(Html.escape(query.captionText()))
                        .append("</p>\n<div class=\"row\">\n");
                html.append(figure(
                        thumb(thumbs, gallery, written, ownImage[qi], options),
                        "own",
                        "the caption's image",
                        Html.escape(query.record().path())));
                html.append("<div class=\"sep\"></div>\n");
                for (int r = 0; r < top[qi].length; r++) {
                    int gi = top[qi][r];
                    String kind = gi == ownImage[qi] ? "own" : galleryLabels[gi] == queryLabels[qi] ? "weak" : "wrong";
                    String mark =
                            switch (kind) {
                                case "own" ->
                                    String.format(Locale.ROOT, "&#10003; own image, c = %.2f", confidence[j][gi]);
                                case "weak" ->
                                    String.format(Locale.ROOT, "&#10003; weak pair, c = %.2f", confidence[j][gi]);
                                default -> "&#10007; person " + gallery.get(gi).id();
                            };
                    String label = String.format(
                            Locale.ROOT, "#%d &middot; sim %.3f<br>%s", r + 1, result.similarity()[qi * g + gi], mark);
                    html.append(figure(
                            thumb(thumbs, gallery, written, gi, options),
                            kind,
                            label,
                            Html.escape(gallery.get(gi).path())));
                }
                html.append("</div>\n</section>\n");
            }
            html.append("</body>\n</html>\n");
            Files.writeString(out.resolve(INDEX), html, StandardCharsets.UTF_8);
        });
    }

    private static void head(StringBuilder html, Context context, TextToImageEvaluation.Result result, int shown) {
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(Html.escape(context.title()))
                .append("</title>\n<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n");
        html.append("<h1>").append(Html.escape(context.title())).append("</h1>\n");
        html.append(String.format(
                Locale.ROOT,
                "<p>Text-to-image retrieval on the %s split: %d queries, %d images. "
                        + "Below, %d sample queries with the top images of the <b>%s</b> ranking.</p>%n",
                Html.escape(context.split()),
                result.queries(),
                result.gallery(),
                shown,
                Html.escape(context.ranking())));
        html.append(
                "<table class=\"metrics\">\n<tr><th>ranking</th><th>R@1</th><th>R@5</th><th>R@10</th><th>mAP</th><th>mINP</th><th>queries</th></tr>\n");
        for (Map.Entry<String, RetrievalMetrics> e : result.metrics().entrySet()) {
            html.append("<tr><td>").append(Html.escape(e.getKey())).append("</td>");
            for (double v : e.getValue().asMap().values()) html.append(String.format(Locale.ROOT, "<td>%.2f</td>", v));
            html.append("<td>").append(e.getValue().queries()).append("</td></tr>\n");
        }
        html.append(
                "</table>\n<p class=\"legend\"><span class=\"own\">own image</span> the caption was written for it; "
                        + "<span class=\"weak\">weak pair</span> the same person in another image, with c the method's confidence "
                        + "(docs/method.md section 1: the pair's share of the caption's positive probability mass, temperature "
                        + String.format(Locale.ROOT, "%.4f", context.temperature())
                        + "); <span class=\"wrong\">wrong</span> another person. "
                        + "sim: the ITC cosine similarity.</p>\n");
    }

    /** Where the first image of the query's person is among the shown ones. */
    private static String firstCorrect(int[] galleryLabels, int label, int[] top) {
        for (int r = 0; r < top.length; r++)
            if (galleryLabels[top[r]] == label) return r == 0 ? "top image correct" : "first correct at #" + (r + 1);
        return "no correct image in the top " + top.length;
    }

    private static String thumb(Path thumbs, List<DataRecord> gallery, boolean[] written, int index, Options options)
            throws IOException {
        String name = "g" + index + ".jpg";
        if (!written[index]) {
            Thumbnails.write(gallery.get(index).image(), thumbs.resolve(name), options.thumbHeight());
            written[index] = true;
        }
        return THUMBS + "/" + name;
    }

    private static String figure(String src, String kind, String label, String escapedPath) {
        return "<figure class=\"" + kind + "\"><img src=\"" + src + "\" alt=\"" + escapedPath + "\" title=\""
                + escapedPath + "\"><figcaption>" + label + "</figcaption></figure>\n";
    }

    private static final String CSS = """
            body { font-family: sans-serif; margin: 1.5em; color: #222; }
            table.metrics { border-collapse: collapse; margin: 0.5em 0 1em; }
            table.metrics td, table.metrics th { border: 1px solid #bbb; padding: 0.2em 0.7em; text-align: right; }
            table.metrics td:first-child { text-align: left; }
            section.query { border-top: 1px solid #ccc; padding: 0.5em 0; }
            section.miss h2 { color: #a00; }
            h2 { font-size: 1em; margin: 0.3em 0; }
            p.caption { font-style: italic; margin: 0.2em 0 0.5em; }
            .row { display: flex; flex-wrap: wrap; gap: 6px; align-items: flex-start; }
            .sep { width: 2px; align-self: stretch; background: #888; margin: 0 6px; }
            figure { margin: 0; padding: 3px; border: 4px solid #ddd; font-size: 0.75em; text-align: center; }
            figure img { display: block; margin: auto; }
            figure.own, span.own { border-color: #2a2; background: #e6f6e6; }
            figure.weak, span.weak { border-color: #e90; background: #fff1d6; }
            figure.wrong, span.wrong { border-color: #ccc; }
            span.own, span.weak, span.wrong { border: 3px solid; padding: 0 0.3em; }
            """;
}
