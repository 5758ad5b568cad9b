package io.weakpair.cli;

import io.weakpair.backend.Backends;
import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.Split;
import io.weakpair.eval.TextToImageEvaluation;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.progress.ProgressBars;
import io.weakpair.report.MetricsTable;
import io.weakpair.report.RetrievalReport;
import io.weakpair.tensor.Device;
import io.weakpair.text.WordPieceTokenizer;
import io.weakpair.train.ConfigKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Text-to-image retrieval of a checkpoint on any dataset's test (or validation) split: R@1/5/10,
 * mAP and mINP by ITC similarity, by ITM re-ranking of the top k, and by their combination
 * (docs/data.md section 4). A table on the terminal, a JSON file, optionally an HTML report.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        defaultValueProvider = EvalCommand.KTestDefault.class,
        description = {
            "Evaluate a checkpoint: text-to-image retrieval (R@1/5/10, mAP, mINP) on a dataset's test split by ITC "
                    + "similarity, ITM re-ranking of the top --k-test, and their combination.",
            "Any dataset reader's folder works, so cross-domain evaluation is another DIR. Prints a table, writes the metrics "
                    + "as JSON (default: beside the checkpoint) and, with --report, an HTML page of retrieval examples."
        })
final class EvalCommand implements Callable<Integer> {
    /** The help's default of --k-test: training's ({@link ConfigKey#K_TEST}), used when the checkpoint does not record its own. */
    public static final class KTestDefault implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            return arg instanceof OptionSpec o && o.longestName().equals("--k-test")
                    ? ConfigKey.K_TEST.defaultText()
                    : null;
        }
    }

    @Spec
    CommandSpec spec;

    @Option(
            names = "--checkpoint",
            required = true,
            paramLabel = "CK",
            description = "model checkpoint (.safetensors) with its vocabulary beside it (CK.vocab.txt)")
    Path checkpoint;

    @Mixin
    DatasetOptions data;

    @Option(
            names = "--dataset",
            paramLabel = "DIR",
            description = "the dataset folder (the same as the DIR argument; give one of them)")
    String dataset;

    @Option(
            names = "--split",
            defaultValue = "test",
            description = "the split to evaluate: test or val (default: ${DEFAULT-VALUE})")
    String split;

    @Option(
            names = "--k-test",
            paramLabel = "K",
            description =
                    "candidates re-ranked by ITM, 0 for ITC only (default: the checkpoint's training setting if recorded, else "
                            + "${DEFAULT-VALUE})")
    int kTest;

    @Option(
            names = "--batch",
            defaultValue = "128",
            description = "images or captions per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Mixin
    DeviceOption device;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = "metrics JSON (default: CK's name with .eval-SPLIT.json, beside it; replaced atomically)")
    Path output;

    @Option(
            names = "--report",
            paramLabel = "DIR",
            description =
                    "also write an HTML report of retrieval examples into this folder (index.html, thumbs/; a new or empty "
                            + "folder, or an earlier report, which is replaced)")
    Path report;

    @Option(
            names = "--report-queries",
            defaultValue = "24",
            paramLabel = "N",
            description = "queries shown in the report, about half of them failures (default: ${DEFAULT-VALUE})")
    int reportQueries;

    @Option(
            names = "--report-seed",
            defaultValue = "0",
            description = "seed of the report's choice of queries (default: ${DEFAULT-VALUE})")
    long reportSeed;

    @Override
    public Integer call() throws IOException {
        Split which = UsageException.check(() -> split(split));
        boolean kTestGiven = spec.commandLine().getParseResult().hasMatchedOption("--k-test");
        if (kTestGiven && kTest < 0) throw new UsageException("--k-test must be 0 (ITC only) or more, got " + kTest);
        if (batch < 1) throw new UsageException("--batch must be at least 1, got " + batch);
        if (reportQueries < 1) throw new UsageException("--report-queries must be at least 1, got " + reportQueries);
        if (dataset != null) {
            if (data.dir != null && !data.dir.equals(dataset))
                throw new UsageException(
                        "give the dataset once: DIR '" + data.dir + "' and --dataset '" + dataset + "' differ");
            data.dir = dataset;
        }
        Device dev = device.resolve();
        CliFiles.checkInputFile("--checkpoint", checkpoint);
        Path vocabFile = ModelCheckpoint.requireVocabulary(checkpoint);
        Path out = output != null ? output : defaultOutput(checkpoint, which);
        CliFiles.checkOutputFile("--output", out, "--checkpoint", checkpoint);
        CliFiles.checkOutputFile("--output", out, "vocabulary", vocabFile);
        if (report != null && Files.exists(report) && !Files.isDirectory(report))
            throw new IllegalArgumentException("--report " + report + " is a file, not a folder");
        Map<String, String> metadata = ModelCheckpoint.readMetadata(checkpoint);
        int k = kTestGiven ? kTest : recordedKTest(metadata);

        Dataset ds = data.read();
        DatasetSplit evaluated = ds.split(which);
        if (evaluated == null || evaluated.isEmpty())
            throw new IllegalArgumentException(ds.root() + ": the dataset has no " + which + " split"
                    + (which == Split.TEST ? "; try --split val" : ""));
        System.out.println("device: " + Backends.get(dev).describe());
        ModelCheckpoint.WithVocabulary loaded = ModelCheckpoint.loadWithVocabulary(checkpoint, dev);
        try (AlbefModel model = loaded.model()) {
            System.out.printf(
                    Locale.ROOT,
                    "checkpoint %s (%s%s); %s split of %s: %d captions, %d images; k_test %d%n",
                    checkpoint,
                    model.config().summary(),
                    metadata.containsKey("step") ? ", step " + metadata.get("step") : "",
                    which,
                    ds.root(),
                    evaluated.numCaptions(),
                    evaluated.numImages(),
                    k);
            long start = System.nanoTime();
            TextToImageEvaluation.Result result = TextToImageEvaluation.run(
                    model,
                    new WordPieceTokenizer(loaded.vocabulary()),
                    evaluated,
                    k,
                    batch,
                    ProgressBars.on(System.out));
            double seconds = (System.nanoTime() - start) / 1e9;
            MetricsTable.print(System.out, which.toString(), result);
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("checkpoint", checkpoint.toString());
            context.put("dataset", ds.root().toString());
            context.put("split", which.toString());
            context.put("k_test", k);
            context.put("seconds", Math.round(seconds * 100) / 100.0);
            MetricsTable.write(out, result, context);
            System.out.printf(Locale.ROOT, "evaluated in %.1f s; metrics: %s%n", seconds, out);
            if (report != null) {
                String ranking = result.rankings() != null ? "itc+itm" : "itc";
                RetrievalReport.write(
                        report,
                        evaluated,
                        result,
                        new RetrievalReport.Context(
                                "weakpair eval: " + checkpoint.getFileName() + " on "
                                        + ds.root().getFileName(),
                                which.toString(),
                                ranking,
                                model.temperature().item()),
                        RetrievalReport.Options.defaults()
                                .withQueries(reportQueries)
                                .withSeed(reportSeed));
                System.out.println("report: " + report.resolve(RetrievalReport.INDEX));
            }
        }
        return 0;
    }

    private static Split split(String name) {
        Split s = Split.parse(name);
        if (s == Split.TRAIN) throw new IllegalArgumentException("--split must be test or val, got '" + name + "'");
        return s;
    }

    /** CK's name without .safetensors, then .eval-SPLIT.json, in CK's folder. */
    static Path defaultOutput(Path checkpoint, Split split) {
        String name = checkpoint.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return checkpoint.resolveSibling(stem + ".eval-" + split + ".json");
    }

    /** The k_test the checkpoint's training recorded in its metadata, else training's default ({@link ConfigKey#K_TEST}). */
    static int recordedKTest(Map<String, String> metadata) {
        String v = metadata.get(ConfigKey.K_TEST.key());
        if (v == null) return (Integer) ConfigKey.K_TEST.defaultValue();
        try {
            int k = Integer.parseInt(v.trim());
            if (k >= 0) return k;
        } catch (NumberFormatException e) {
            // fall through: a malformed value is named below
        }
        throw new IllegalArgumentException(
                "the checkpoint's metadata k_test is '" + v + "', not a whole number >= 0; give --k-test");
    }
}
