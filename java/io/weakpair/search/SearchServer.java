package io.weakpair.search;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.weakpair.data.ImageFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The search page and its JSON API over one {@link SearchService}:
 * <ul>
 *   <li>{@code GET /}: the page (a text box, a re-rank toggle, results as thumbnails with rank and score, the query time);</li>
 *   <li>{@code GET /api/search?q=&k=&rerank=&exact=}: the hits as JSON (file names only, never the server's paths);</li>
 *   <li>{@code GET /api/image/{id}}: an indexed image by id; the file is the one the index stores for that id,
 *       so a request can never name a path.</li>
 * </ul>
 * Every refused request is a 4xx with {@code {"error": "..."}}; an unexpected failure is a 500
 * with the same shape, its stack trace only in the server's log.
 */
public final class SearchServer implements AutoCloseable {
    private final SearchService service;
    private final int candidates;
    private final int defaultRerank;
    private final PrintStream log;
    private final Javalin app;

    private SearchServer(SearchService service, int candidates, int defaultRerank, PrintStream log) {
        this.service = service;
        this.candidates = candidates;
        this.defaultRerank = defaultRerank;
        this.log = log;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            // Jetty refuses some URLs itself (ambiguous encoded separators such as ..%2F): the same JSON shape for
            // those.
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
        });
        app.before(ctx -> {
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Referrer-Policy", "no-referrer");
        });
        app.get("/", ctx -> ctx.header("Content-Security-Policy", SearchPage.CSP)
                .html(SearchPage.HTML));
        app.get("/api/search", this::search);
        app.get("/api/image/{id}", this::image);
        app.exception(ApiError.class, (e, ctx) -> ctx.status(e.status).json(error(e.getMessage())));
        app.exception(Exception.class, (e, ctx) -> {
            log.println("serve: error on " + ctx.method() + " " + ctx.path() + ": " + e);
            ctx.status(500).json(error("internal error (see the server log)"));
        });
        // Unknown routes and methods: the same JSON shape instead of Javalin's plain text.
        app.error(404, ctx -> {
            if (!ctx.path().startsWith("/api/image/")) ctx.json(error("not found: " + clip(ctx.path())));
        });
        app.error(405, ctx -> ctx.json(error("method not allowed: " + ctx.method())));
    }

    /** Starts serving on host:port (port 0: a free port, see {@link #port()}). */
    public static SearchServer start(
            SearchService service, String host, int port, int candidates, int defaultRerank, PrintStream log) {
        SearchServer s = new SearchServer(service, candidates, defaultRerank, log);
        s.app.start(host, port);
        return s;
    }

    public int port() {
        return app.port();
    }

    private void search(Context ctx) throws IOException {
        SearchRequest r = SearchRequest.parse(
                ctx.queryParam("q"),
                ctx.queryParam("k"),
                ctx.queryParam("rerank"),
                ctx.queryParam("exact"),
                defaultRerank);
        SearchService.Result result;
        try {
            result = service.search(r.q(), r.k(), candidates, r.rerank(), r.exact());
        } catch (IllegalArgumentException e) {
            // e.g. re-ranking an index built from --features: the request cannot be served as asked.
            throw new ApiError(422, e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("query", r.q());
        body.put("k", r.k());
        body.put("rerank", r.rerank());
        body.put("exact", r.exact());
        body.put("gallery", service.index().size());
        Map<String, Object> timing = new LinkedHashMap<>();
        timing.put("encode_ms", round(result.encodeMs()));
        timing.put("search_ms", round(result.searchMs()));
        timing.put("rerank_ms", round(result.rerankMs()));
        timing.put("total_ms", round(result.totalMs()));
        body.put("timing", timing);
        List<Map<String, Object>> results = new ArrayList<>();
        int rank = 1;
        for (Hit h : result.hits()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("rank", rank++);
            x.put("image_id", h.imageId());
            x.put("score", h.score());
            if (h.reranked()) x.put("match", h.match());
            if (h.identity() >= 0) x.put("identity", h.identity());
            x.put("name", Path.of(h.path()).getFileName().toString());
            x.put("thumbnail", "/api/image/" + h.imageId());
            results.add(x);
        }
        body.put("results", results);
        ctx.json(body);
    }

    private void image(Context ctx) throws IOException {
        int id = SearchRequest.integer("image id", ctx.pathParam("id"), 0, Integer.MAX_VALUE - 1);
        Optional<Hit> hit = service.index().image(id);
        if (hit.isEmpty()) throw new ApiError(404, "no image with id " + id + " in the index");
        Path file = Path.of(hit.get().path());
        if (!ImageFiles.isImage(file) || !Files.isRegularFile(file))
            throw new ApiError(
                    404, "image " + id + " has no image file here (indexed from features, or moved since indexing)");
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ctx.contentType(name.endsWith(".png") ? "image/png" : "image/jpeg");
        ctx.header("Cache-Control", "max-age=3600");
        ctx.result(Files.readAllBytes(file));
    }

    private static Map<String, String> error(String message) {
        return Map.of("error", message);
    }

    private static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    @Override
    public void close() {
        app.stop();
    }
}
