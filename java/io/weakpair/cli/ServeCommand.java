package io.weakpair.cli;

import io.weakpair.search.SearchServer;
import io.weakpair.search.SearchService;
import io.weakpair.tensor.Device;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code weakpair serve}: the search page and JSON API of an index, until stopped. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Serve a web page for searching an index by sentence (thumbnails, scores, ranks, a re-rank toggle, the query "
                    + "time) and its JSON API: GET /api/search?q=TEXT&k=10&rerank=true|false|K&exact=false, GET /api/image/ID.",
            "Binds to 127.0.0.1 unless --host says otherwise; stop it with Ctrl-C."
        })
final class ServeCommand implements Callable<Integer> {
    @Option(
            names = "--index",
            defaultValue = "gallery-index",
            description = "the index folder (default: ${DEFAULT-VALUE})")
    Path index;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "address to bind; 0.0.0.0 exposes the gallery to the network (default: ${DEFAULT-VALUE})")
    String host;

    @Option(
            names = "--rerank",
            defaultValue = "16",
            paramLabel = "K",
            description = "how many hits the re-rank toggle re-ranks (default: ${DEFAULT-VALUE})")
    int rerank;

    @Option(
            names = "--candidates",
            defaultValue = "" + SearchDefaults.CANDIDATES,
            description = "HNSW candidates explored per query (default: ${DEFAULT-VALUE})")
    int candidates;

    @Option(
            names = "--checkpoint",
            description = "the checkpoint, if it moved since indexing (it must be the same file content)")
    Path checkpoint;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) throw new UsageException("--port must be in [0, 65535], got " + port);
        if (rerank < 1 || rerank > 64) throw new UsageException("--rerank must be in [1, 64], got " + rerank);
        if (candidates < 1) throw new UsageException("--candidates must be at least 1, got " + candidates);
        if (host.isBlank()) throw new UsageException("--host is empty");
        Device dev = device.resolve();
        try (SearchService service = SearchService.open(index, checkpoint, dev)) {
            SearchServer server;
            try {
                server = SearchServer.start(service, host, port, candidates, rerank, System.err);
            } catch (RuntimeException e) {
                throw new IllegalStateException(
                        "cannot serve on " + host + ":" + port + ": " + rootMessage(e)
                                + " (another program on that port? try --port 0)",
                        e);
            }
            try (server) {
                System.out.printf(
                        "weakpair serve: %d images of %s at http://%s:%d/ (Ctrl-C stops)%n",
                        service.index().size(), index, host.contains(":") ? "[" + host + "]" : host, server.port());
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                stop.await();
            }
        }
        return 0;
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}
