package io.weakpair.cli;

import io.weakpair.data.DataRecord;
import io.weakpair.data.Progress;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.model.ModelConfig;
import io.weakpair.progress.StopSignal;
import io.weakpair.search.CheckpointFingerprint;
import io.weakpair.search.FeatureFile;
import io.weakpair.search.GalleryEmbedder;
import io.weakpair.search.GalleryImages;
import io.weakpair.search.GalleryIndex;
import io.weakpair.search.GalleryWriter;
import io.weakpair.search.IndexMetadata;
import io.weakpair.search.OpenSearchExport;
import io.weakpair.tensor.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code weakpair index}: a gallery's image features in a Lucene HNSW index, for {@code search} and {@code serve}. */
@Command(
        name = "index",
        mixinStandardHelpOptions = true,
        description = {
            "Embed every image of a gallery with a checkpoint and add it to a Lucene vector index (HNSW, dot product on the "
                    + "L2-normalised features), with its id, path, identity (when the dataset gives one) and the checkpoint's fingerprint.",
            "--gallery: a dataset folder (CUHK-PEDES, ICFG-PEDES, RSTPReid, synth; all splits) or any folder of .jpg/.jpeg/.png "
                    + "(searched recursively). Unreadable images are reported and skipped; images already in the index are skipped.",
            "--features: precomputed features instead (image_feat F32 [N,E], optional identity [N]; rows indexed as FILE#row).",
            "An existing --out index is added to; one built with another checkpoint is refused.",
            "Ctrl-C (or SIGTERM) commits what was embedded and stops (exit code 130); --gallery also commits every --commit-every "
                    + "images, so even a killed run loses at most that much: run the same command again to resume.",
            "--export-opensearch FILE: write the index as an OpenSearch bulk file plus FILE.mapping.json (see README)."
        })
final class IndexCommand implements Callable<Integer> {
    @Option(
            names = "--checkpoint",
            required = true,
            description = "model checkpoint (.safetensors) that makes the features")
    Path checkpoint;

    @ArgGroup(exclusive = true)
    Source source;

    static final class Source {
        @Option(names = "--gallery", description = "a dataset folder or a folder of images")
        Path gallery;

        @Option(names = "--features", description = "precomputed features (.safetensors with image_feat [N,E])")
        Path features;
    }

    @Option(
            names = "--out",
            defaultValue = "gallery-index",
            description = "the index folder (created or added to) (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--batch", defaultValue = "32", description = "images per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Mixin
    DeviceOption device;

    @Option(
            names = "--max-conn",
            defaultValue = "16",
            description = "HNSW neighbours per node, for a new index (default: ${DEFAULT-VALUE})")
    int maxConn;

    @Option(
            names = "--beam-width",
            defaultValue = "100",
            description = "HNSW candidates while building, for a new index (default: ${DEFAULT-VALUE})")
    int beamWidth;

    @Option(
            names = "--quantize",
            defaultValue = "none",
            paramLabel = "none|int8",
            description =
                    "how the graph stores vectors, for a new index: none (float32) or int8 (Lucene's scalar quantisation, "
                            + "7 bits per value: a quarter of the memory for graph search; the floats are kept on disk, and the candidates "
                            + "are scored again with them) (default: ${DEFAULT-VALUE})")
    String quantize;

    @Option(
            names = "--build-threads",
            defaultValue = "1",
            description =
                    "threads that build the HNSW graph: as many indexing threads (one segment and graph each), then as many "
                            + "workers inserting into the merged graph when segments merge (--force-merge; Lucene's numMergeWorkers) "
                            + "(default: ${DEFAULT-VALUE})")
    int buildThreads;

    @Option(
            names = "--ram-buffer-mb",
            defaultValue = "1024",
            description =
                    "what Lucene buffers before writing a segment; fewer segments search faster (default: ${DEFAULT-VALUE})")
    double ramBufferMb;

    @Option(
            names = "--commit-every",
            defaultValue = "1024",
            description =
                    "--gallery: commit after about this many images (at the end of a batch), so a run stopped by Ctrl-C, a crash "
                            + "or a kill resumes there when run again (indexed images are skipped); --features commits at the end or on "
                            + "Ctrl-C (default: ${DEFAULT-VALUE})")
    int commitEvery;

    @Option(names = "--force-merge", description = "merge the index into one segment (one graph) after adding")
    boolean forceMerge;

    @Option(
            names = "--export-opensearch",
            paramLabel = "FILE",
            description = "also write the index as an OpenSearch bulk file (NDJSON)")
    Path exportFile;

    @Option(
            names = "--opensearch-index",
            defaultValue = "weakpair-gallery",
            description = "the OpenSearch index name in the bulk file (default: ${DEFAULT-VALUE})")
    String openSearchIndex;

    @Override
    public Integer call() throws IOException {
        if (source == null && exportFile == null)
            throw new UsageException(
                    "give --gallery DIR or --features FILE to add images, or --export-opensearch FILE to export --out");
        if (batch < 1) throw new UsageException("--batch must be at least 1, got " + batch);
        if (commitEvery < 1) throw new UsageException("--commit-every must be at least 1, got " + commitEvery);
        if (ramBufferMb < 16) throw new UsageException("--ram-buffer-mb must be at least 16, got " + ramBufferMb);
        if (!quantize.equals("none") && !quantize.equals("int8"))
            throw new UsageException("--quantize must be none or int8, got '" + quantize + "'");
        if (buildThreads < 1 || buildThreads > 256)
            throw new UsageException("--build-threads must be in [1, 256], got " + buildThreads);
        Device dev = device.resolve();
        CliFiles.checkInputFile("--checkpoint", checkpoint);
        if (source != null && source.features != null) CliFiles.checkInputFile("--features", source.features);
        if (exportFile != null) CliFiles.checkOutputFile("--export-opensearch", exportFile);
        ModelConfig config = ModelCheckpoint.readConfig(checkpoint);
        IndexMetadata wanted = UsageException.check(() -> metadata(config));
        if (source != null && add(config, wanted, dev) != 0) return 130;
        if (exportFile != null) export();
        return 0;
    }

    private IndexMetadata metadata(ModelConfig config) {
        try {
            return new IndexMetadata(
                    CheckpointFingerprint.of(checkpoint),
                    checkpoint.toAbsolutePath().normalize().toString(),
                    config.preset(),
                    config.embedDim(),
                    maxConn,
                    beamWidth,
                    quantize.equals("int8") ? IndexMetadata.INT8 : IndexMetadata.FLOAT32,
                    0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read --checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    /** @return 0, or 130 when a signal stopped it after committing what was added */
    private int add(ModelConfig config, IndexMetadata wanted, Device dev) throws IOException {
        long start = System.nanoTime();
        List<String> skipped = new ArrayList<>();
        int[] already = {0};
        boolean stopped = false;
        try (GalleryWriter writer = GalleryWriter.open(out, wanted, ramBufferMb, buildThreads);
                StopSignal stop = StopSignal.install("committing the images indexed so far, then stopping")) {
            if (source.features != null) {
                try (Progress p =
                        new Progress(System.out, "indexing features", "rows", FeatureFile.rows(source.features))) {
                    FeatureFile.read(source.features, config.embedDim(), (row, path, identity, f) -> {
                        if (stop.requested()) throw new StopReading();
                        if (writer.contains(path)) already[0]++;
                        else writer.add(path, identity, f);
                        p.advance(1);
                    });
                } catch (StopReading e) {
                    stopped = true;
                }
            } else {
                List<DataRecord> images = new ArrayList<>();
                for (DataRecord r : GalleryImages.list(source.gallery, System.out)) {
                    if (writer.contains(r.path())) already[0]++;
                    else images.add(r);
                }
                if (!images.isEmpty()) {
                    try (AlbefModel model = ModelCheckpoint.load(checkpoint, dev)) {
                        // Commits at batch ends: a run stopped by a signal, a crash or a kill resumes at the last one,
                        // and
                        // its remaining images fall into the same batches as in one uninterrupted run (same features).
                        int[] committed = {0};
                        GalleryEmbedder.Outcome o = new GalleryEmbedder(model, batch)
                                .embed(images, (r, f) -> writer.add(r.path(), r.id(), f), System.out, () -> {
                                    if (writer.added() - committed[0] >= commitEvery || stop.requested()) {
                                        writer.commit();
                                        committed[0] = writer.added();
                                    }
                                    return !stop.requested();
                                });
                        skipped.addAll(o.skipped());
                        stopped = o.stopped();
                    }
                }
            }
            double addSeconds = (System.nanoTime() - start) / 1e9;
            writer.commit();
            if (stopped) {
                System.out.printf(
                        Locale.ROOT,
                        "weakpair index: stopped by %s: %d images added and committed (%d already indexed), "
                                + "%d images in %s; run the same command again to add the rest%n",
                        stop.signalName(),
                        writer.added(),
                        already[0],
                        writer.metadata().nextId(),
                        out);
                return 130;
            }
            if (forceMerge) writer.forceMerge();
            System.out.printf(
                    Locale.ROOT,
                    "weakpair index: added %d images (%d already indexed, %d unreadable skipped) to %s in %.1f s "
                            + "(%.1f s adding, %.1f s committing%s), %s%n",
                    writer.added(),
                    already[0],
                    skipped.size(),
                    out,
                    (System.nanoTime() - start) / 1e9,
                    addSeconds,
                    (System.nanoTime() - start) / 1e9 - addSeconds,
                    forceMerge ? " and merging" : "",
                    sizeOf(out));
        }
        return 0;
    }

    /** Ends reading a feature file early when a stop was requested. */
    private static final class StopReading extends RuntimeException {
        StopReading() {
            super("stopped", null, false, false);
        }
    }

    private void export() throws IOException {
        long start = System.nanoTime();
        try (GalleryIndex index = GalleryIndex.open(out)) {
            int n = OpenSearchExport.write(index, openSearchIndex, exportFile);
            System.out.printf(
                    Locale.ROOT,
                    "weakpair index: exported %d images to %s (bulk) and %s (index body) in %.1f s%n",
                    n,
                    exportFile,
                    OpenSearchExport.mappingPath(exportFile),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private static String sizeOf(Path dir) throws IOException {
        long bytes;
        try (var s = Files.list(dir)) {
            bytes = s.filter(Files::isRegularFile)
                    .mapToLong(p -> p.toFile().length())
                    .sum();
        }
        return String.format(Locale.ROOT, "index size %.1f MiB", bytes / 1048576.0);
    }
}
