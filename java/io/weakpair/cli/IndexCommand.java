package io.weakpair.cli;

import io.weakpair.data.DataRecord;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.model.ModelConfig;
import io.weakpair.search.CheckpointFingerprint;
import io.weakpair.search.FeatureFile;
import io.weakpair.search.GalleryEmbedder;
import io.weakpair.search.GalleryImages;
import io.weakpair.search.GalleryIndex;
import io.weakpair.search.GalleryWriter;
import io.weakpair.search.IndexMetadata;
import io.weakpair.search.OpenSearchExport;
import io.weakpair.data.Progress;
import io.weakpair.tensor.Device;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code weakpair index}: a gallery's image features in a Lucene HNSW index, for {@code search} and {@code serve}. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Embed every image of a gallery with a checkpoint and add it to a Lucene vector index (HNSW, dot product on the "
                + "L2-normalised features), with its id, path, identity (when the dataset gives one) and the checkpoint's fingerprint.",
                "--gallery: a dataset folder (CUHK-PEDES, ICFG-PEDES, RSTPReid, synth; all splits) or any folder of .jpg/.jpeg/.png "
                        + "(searched recursively). Unreadable images are reported and skipped; images already in the index are skipped.",
                "--features: precomputed features instead (image_feat F32 [N,E], optional identity [N]; rows indexed as FILE#row).",
                "An existing --out index is added to; one built with another checkpoint is refused.",
                "--export-opensearch FILE: write the index as an OpenSearch bulk file plus FILE.mapping.json (see README)."})
final class IndexCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "model checkpoint (.safetensors) that makes the features")
    Path checkpoint;

    @ArgGroup(exclusive = true)
    Source source;

    static final class Source {
        @Option(names = "--gallery", description = "a dataset folder or a folder of images")
        Path gallery;

        @Option(names = "--features", description = "precomputed features (.safetensors with image_feat [N,E])")
        Path features;
    }

    @Option(names = "--out", defaultValue = "gallery-index", description = "the index folder (created or added to) (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--batch", defaultValue = "32", description = "images per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Mixin
    DeviceOption device;

    @Option(names = "--max-conn", defaultValue = "16", description = "HNSW neighbours per node, for a new index (default: ${DEFAULT-VALUE})")
    int maxConn;

    @Option(names = "--beam-width", defaultValue = "100", description = "HNSW candidates while building, for a new index (default: ${DEFAULT-VALUE})")
    int beamWidth;

    @Option(names = "--ram-buffer-mb", defaultValue = "1024",
            description = "what Lucene buffers before writing a segment; fewer segments search faster (default: ${DEFAULT-VALUE})")
    double ramBufferMb;

    @Option(names = "--force-merge", description = "merge the index into one segment (one graph) after adding")
    boolean forceMerge;

    @Option(names = "--export-opensearch", paramLabel = "FILE", description = "also write the index as an OpenSearch bulk file (NDJSON)")
    Path exportFile;

    @Option(names = "--opensearch-index", defaultValue = "weakpair-gallery",
            description = "the OpenSearch index name in the bulk file (default: ${DEFAULT-VALUE})")
    String openSearchIndex;

    @Override
    public Integer call() throws IOException {
        if (source == null && exportFile == null)
            throw new UsageException("give --gallery DIR or --features FILE to add images, or --export-opensearch FILE to export --out");
        if (batch < 1) throw new UsageException("--batch must be at least 1, got " + batch);
        if (ramBufferMb < 16) throw new UsageException("--ram-buffer-mb must be at least 16, got " + ramBufferMb);
        Device dev = device.resolve();
        CliFiles.checkInputFile("--checkpoint", checkpoint);
        if (source != null && source.features != null) CliFiles.checkInputFile("--features", source.features);
        if (exportFile != null) CliFiles.checkOutputFile("--export-opensearch", exportFile);
        ModelConfig config = ModelCheckpoint.readConfig(checkpoint);
        IndexMetadata wanted = UsageException.check(() -> metadata(config));
        if (source != null) add(config, wanted, dev);
        if (exportFile != null) export();
        return 0;
    }

    private IndexMetadata metadata(ModelConfig config) {
        try {
            return new IndexMetadata(CheckpointFingerprint.of(checkpoint), checkpoint.toAbsolutePath().normalize().toString(), config.preset(),
                    config.embedDim(), maxConn, beamWidth, 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read --checkpoint " + checkpoint + ": " + e.getMessage(), e);
        }
    }

    private void add(ModelConfig config, IndexMetadata wanted, Device dev) throws IOException {
        long start = System.nanoTime();
        List<String> skipped = new ArrayList<>();
        int[] already = {0};
        try (GalleryWriter writer = GalleryWriter.open(out, wanted, ramBufferMb)) {
            if (source.features != null) {
                try (Progress p = new Progress(System.out, "indexing features", "rows", FeatureFile.rows(source.features))) {
                    FeatureFile.read(source.features, config.embedDim(), (row, path, identity, f) -> {
                        if (writer.contains(path)) already[0]++;
                        else writer.add(path, identity, f);
                        p.advance(1);
                    });
                }
            } else {
                List<DataRecord> images = new ArrayList<>();
                for (DataRecord r : GalleryImages.list(source.gallery, System.out)) {
                    if (writer.contains(r.path())) already[0]++;
                    else images.add(r);
                }
                if (!images.isEmpty()) {
                    try (AlbefModel model = ModelCheckpoint.load(checkpoint, dev)) {
                        GalleryEmbedder.Outcome o = new GalleryEmbedder(model, batch).embed(images,
                                (r, f) -> writer.add(r.path(), r.id(), f), System.out);
                        skipped.addAll(o.skipped());
                    }
                }
            }
            double addSeconds = (System.nanoTime() - start) / 1e9;
            writer.commit();
            if (forceMerge) writer.forceMerge();
            System.out.printf(Locale.ROOT, "weakpair index: added %d images (%d already indexed, %d unreadable skipped) to %s in %.1f s "
                            + "(%.1f s adding, %.1f s committing%s), %s%n",
                    writer.added(), already[0], skipped.size(), out, (System.nanoTime() - start) / 1e9, addSeconds,
                    (System.nanoTime() - start) / 1e9 - addSeconds, forceMerge ? " and merging" : "", sizeOf(out));
        }
    }

    private void export() throws IOException {
        long start = System.nanoTime();
        try (GalleryIndex index = GalleryIndex.open(out)) {
            int n = OpenSearchExport.write(index, openSearchIndex, exportFile);
            System.out.printf(Locale.ROOT, "weakpair index: exported %d images to %s (bulk) and %s (index body) in %.1f s%n", n, exportFile,
                    OpenSearchExport.mappingPath(exportFile), (System.nanoTime() - start) / 1e9);
        }
    }

    private static String sizeOf(Path dir) throws IOException {
        long bytes;
        try (var s = Files.list(dir)) {
            bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        return String.format(Locale.ROOT, "index size %.1f MiB", bytes / 1048576.0);
    }
}
