package io.weakpair.cli;

import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetFormat;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.ImageCheck;
import io.weakpair.data.ReadOptions;
import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The dataset folder and how to read it, shared by the data commands. Without a folder,
 * commands use the built-in synthetic benchmark in data/synth, generating it on first use.
 */
final class DatasetOptions {
    static final String DEFAULT_DIR = "data/synth";

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
            description = "Dataset folder: CUHK-PEDES, ICFG-PEDES or RSTPReid layout (default: the synthetic benchmark in "
                    + DEFAULT_DIR + ", generated if missing).")
    String dir;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "FORMAT",
            description = "auto, cuhk-pedes, icfg-pedes or rstpreid (default: ${DEFAULT-VALUE}: from the annotation file present).")
    String format;

    @Option(names = "--strict", description = "Stop at bad records instead of skipping and counting them.")
    boolean strict;

    @Option(names = "--image-check", defaultValue = "decode", paramLabel = "LEVEL",
            description = "How images are checked while reading: none, exists, header or decode (default: ${DEFAULT-VALUE}).")
    String imageCheck;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for image checks (default: all cores).")
    Integer threads;

    Dataset read() {
        Path root = Path.of(dir == null ? DEFAULT_DIR : dir);
        if (dir == null && !Files.exists(root.resolve(SyntheticGenerator.CONFIG_FILE))) {
            System.err.println("weakpair: no dataset given; generating the synthetic benchmark in " + root + " ...");
            SyntheticGenerator.ensure(SynthConfig.defaults(), root, threads(), System.err);
        }
        ReadOptions options = ReadOptions.defaults()
                .withStrict(strict)
                .withImageCheck(ImageCheck.parse(imageCheck))
                .withFormat(format.equalsIgnoreCase("auto") ? null : DatasetFormat.parse(format))
                .withThreads(threads())
                .withProgress(System.err);
        return DatasetReader.read(root, options);
    }

    int threads() {
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }
}
