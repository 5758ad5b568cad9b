package io.weakpair.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weakpair.search.Hit;
import io.weakpair.search.SearchService;
import io.weakpair.tensor.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code weakpair search}: the gallery images that best match a sentence. */
@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        description = {
            "Find the images of an index (built by 'weakpair index') that best match a caption: the text is encoded by the "
                    + "index's checkpoint, the index returns the top k by dot product (HNSW; --exact scans every vector), and --rerank K "
                    + "reorders the first K by the ITM head (the fusion encoder on the stored images).",
            "Prints rank, score (cosine similarity), ITM match score when re-ranked, identity and path; --json for scripts."
        })
final class SearchCommand implements Callable<Integer> {
    static final int MAX_CAPTION_CHARS = 1000;

    @Parameters(index = "0", paramLabel = "CAPTION", description = "the sentence to search for")
    String caption;

    @Option(
            names = "--index",
            defaultValue = "gallery-index",
            description = "the index folder (default: ${DEFAULT-VALUE})")
    Path index;

    @Option(names = "--k", defaultValue = "10", description = "how many results (default: ${DEFAULT-VALUE})")
    int k;

    @Option(
            names = "--rerank",
            defaultValue = "0",
            paramLabel = "K",
            description = "re-rank the first K by ITM; 0: off (default: ${DEFAULT-VALUE})")
    int rerank;

    @Option(
            names = "--candidates",
            defaultValue = "" + SearchDefaults.CANDIDATES,
            description =
                    "HNSW candidates explored (at least k; more: higher recall, slower) (default: ${DEFAULT-VALUE})")
    int candidates;

    @Option(names = "--exact", description = "scan every vector instead of the HNSW graph (for comparison)")
    boolean exact;

    @Option(names = "--json", description = "print one JSON object instead of the table")
    boolean json;

    @Option(
            names = "--checkpoint",
            description = "the checkpoint, if it moved since indexing (it must be the same file content)")
    Path checkpoint;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws IOException {
        if (caption.isBlank()) throw new UsageException("the caption is empty");
        if (caption.length() > MAX_CAPTION_CHARS)
            throw new UsageException(
                    "the caption has " + caption.length() + " characters; at most " + MAX_CAPTION_CHARS);
        if (k < 1 || k > SearchService.MAX_K)
            throw new UsageException("--k must be in [1, " + SearchService.MAX_K + "], got " + k);
        if (rerank < 0 || rerank > SearchService.MAX_K)
            throw new UsageException("--rerank must be in [0, " + SearchService.MAX_K + "], got " + rerank);
        if (candidates < 1) throw new UsageException("--candidates must be at least 1, got " + candidates);
        Device dev = device.resolve();
        try (SearchService service = SearchService.open(index, checkpoint, dev)) {
            SearchService.Result r = service.search(caption, k, candidates, rerank, exact);
            if (json) System.out.println(json(r));
            else print(r, service.index().size());
        }
        return 0;
    }

    private void print(SearchService.Result r, int gallery) {
        System.out.printf(
                Locale.ROOT,
                "%d of %d images for \"%s\" (%s%s): text %.1f ms, search %.1f ms%s%n",
                r.hits().size(),
                gallery,
                caption,
                exact ? "exact scan" : "HNSW",
                rerank > 0 ? ", ITM re-rank of the top " + rerank : "",
                r.encodeMs(),
                r.searchMs(),
                rerank > 0 ? String.format(Locale.ROOT, ", re-rank %.1f ms", r.rerankMs()) : "");
        System.out.printf("%4s  %8s  %8s  %8s  %s%n", "rank", "score", "match", "identity", "path");
        int rank = 1;
        for (Hit h : r.hits())
            System.out.printf(
                    Locale.ROOT,
                    "%4d  %8.4f  %8s  %8s  %s%n",
                    rank++,
                    h.score(),
                    h.reranked() ? String.format(Locale.ROOT, "%.4f", h.match()) : "-",
                    h.identity() >= 0 ? Integer.toString(h.identity()) : "-",
                    h.path());
    }

    private String json(SearchService.Result r) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("query", caption).put("k", k).put("rerank", rerank).put("exact", exact);
        o.putObject("timing_ms")
                .put("encode", r.encodeMs())
                .put("search", r.searchMs())
                .put("rerank", r.rerankMs());
        ArrayNode results = o.putArray("results");
        int rank = 1;
        for (Hit h : r.hits()) {
            ObjectNode x = results.addObject()
                    .put("rank", rank++)
                    .put("image_id", h.imageId())
                    .put("score", h.score());
            if (h.reranked()) x.put("match", h.match());
            if (h.identity() >= 0) x.put("identity", h.identity());
            x.put("path", h.path());
        }
        return m.writeValueAsString(o);
    }
}
