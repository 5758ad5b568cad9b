package io.weakpair.cli;

import io.weakpair.config.Environment;
import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetFormat;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.ImageCheck;
import io.weakpair.data.ReadOptions;
import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The dataset folder and how to read it, shared by the data commands. Without a folder,
 * commands use the built-in synthetic benchmark in one place whatever the current directory
 * ({@link #DEFAULT_DIR_RULE}), generating it on first use.
 */
final class DatasetOptions {
    /** Where the default dataset lives (config.Environment#defaultDataDir), as the help says it. */
    static final String DEFAULT_DIR_RULE =
            "data/synth under $WEAKPAIR_HOME if set, else under the project folder when run "
                    + "by ./weakpair, else under ~/.cache/weakpair";

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "DIR",
            description =
                    "Dataset folder: CUHK-PEDES, ICFG-PEDES or RSTPReid layout (default: the synthetic benchmark, "
                            + "generated if missing, in " + DEFAULT_DIR_RULE + ").")
    String dir;

    @Option(
            names = "--format",
            defaultValue = "auto",
            paramLabel = "FORMAT",
            description =
                    "auto, cuhk-pedes, icfg-pedes or rstpreid (default: ${DEFAULT-VALUE}: from the annotation file present).")
    String format = "auto";

    @Option(names = "--strict", description = "Stop at bad records instead of skipping and counting them.")
    boolean strict;

    @Option(
            names = "--image-check",
            defaultValue = "decode",
            paramLabel = "LEVEL",
            description =
                    "How images are checked while reading: none, exists, header or decode (default: ${DEFAULT-VALUE}).")
    String imageCheck = "decode";

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Threads for image checks (default: WEAKPAIR_THREADS, else all cores).")
    Integer threads;

    /** Checks the options (a bad value is a usage error, exit code 2), then reads the dataset (failures: exit code 1). */
    Dataset read() {
        ImageCheck check = UsageException.check(() -> ImageCheck.parse(imageCheck));
        DatasetFormat fmt =
                UsageException.check(() -> format.equalsIgnoreCase("auto") ? null : DatasetFormat.parse(format));
        int n = threads();
        Path root = dir == null ? Environment.current().defaultDataDir() : Path.of(dir);
        if (dir == null && !Files.exists(root.resolve(SyntheticGenerator.CONFIG_FILE))) {
            System.err.println("weakpair: no dataset given; generating the synthetic benchmark in " + root + " ...");
            SyntheticGenerator.ensure(SynthConfig.defaults(), root, n, System.err);
        }
        if (!Files.exists(root)) throw new IllegalArgumentException("dataset folder not found: " + root);
        if (!Files.isDirectory(root)) throw new IllegalArgumentException(root + " is a file, not a dataset folder");
        ReadOptions options = ReadOptions.defaults()
                .withStrict(strict)
                .withImageCheck(check)
                .withFormat(fmt)
                .withThreads(n)
                .withProgress(System.err);
        return DatasetReader.read(root, options);
    }

    /** Reads the dataset a training configuration names when the command line gave none (its folder and layout). */
    Dataset read(io.weakpair.train.TrainConfig cfg) {
        if (dir == null && cfg.dataset() != null) dir = cfg.dataset().toString();
        if (format.equalsIgnoreCase("auto") && !cfg.datasetFormat().equals("auto")) format = cfg.datasetFormat();
        return read();
    }

    int threads() {
        return threads(threads);
    }

    /** The --threads option of the data commands: its value, else WEAKPAIR_THREADS, else every core. */
    static int threads(Integer option) {
        if (option != null && option < 1) throw new UsageException("--threads must be at least 1, got " + option);
        return option != null ? option : Environment.current().threadsOrCores();
    }
}
