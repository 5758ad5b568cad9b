package io.weakpair.cli;

import io.weakpair.config.Environment;
import io.weakpair.data.synth.BenchmarkTwins;
import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import io.weakpair.data.synth.View;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Generates the built-in synthetic benchmark in the CUHK-PEDES layout. */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description = {
            "Generate the synthetic pedestrian benchmark (images + reid_raw.json, CUHK-PEDES layout) with weak pairs: "
                    + "several views per person, view-dependent attributes, 2 captions per image written from what it shows.",
            "The same options and seed give byte-identical files."
        })
final class SynthCommand implements Runnable {
    /**
     * Named starting points: {@code benchmark} is the built-in benchmark the commands use
     * without a folder; {@code pretrain} a corpus 24 times its size from a seed the benchmark
     * never uses (seed 9001; the benchmark is seed 1), almost all of it training data, for
     * {@code train --stage pretrain} (models/README.md). Options given explicitly win.
     */
    enum Preset {
        BENCHMARK(1000, 1, "0.7,0.1,0.2"),
        PRETRAIN(24_000, 9001, "0.98,0.01,0.01");

        final int ids;
        final long seed;
        final String splitRatios;

        Preset(int ids, long seed, String splitRatios) {
            this.ids = ids;
            this.seed = seed;
            this.splitRatios = splitRatios;
        }
    }

    @Option(
            names = "--preset",
            defaultValue = "benchmark",
            paramLabel = "NAME",
            converter = PresetConverter.class,
            description = {
                "benchmark (1000 identities, seed 1, splits 0.7,0.1,0.2: the built-in benchmark) or pretrain "
                        + "(24000 identities, seed 9001, splits 0.98,0.01,0.01: a pre-training corpus the benchmark never draws from); "
                        + "--ids, --seed and --split-ratios override it (default: ${DEFAULT-VALUE})."
            })
    Preset preset;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "Output folder: new, empty, or an earlier synth output (replaced) (default: "
                    + DatasetOptions.DEFAULT_DIR_RULE + ", where the data commands look without DIR).")
    Path out;

    @Option(names = "--ids", paramLabel = "N", description = "Identities in all splits (default: the preset's).")
    Integer ids;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: the preset's).")
    Long seed;

    @Option(
            names = "--size",
            defaultValue = "128x48",
            paramLabel = "HxW",
            description = "Image height x width in pixels (default: ${DEFAULT-VALUE}).")
    String size;

    @Option(
            names = "--views",
            defaultValue = "front,back,left,right",
            paramLabel = "LIST",
            description = "Views the cameras see people from (default: ${DEFAULT-VALUE}).")
    String views;

    @Option(
            names = "--images-per-id",
            defaultValue = "4-6",
            paramLabel = "N|MIN-MAX",
            description = "Images per identity (default: ${DEFAULT-VALUE}).")
    String imagesPerId;

    @Option(
            names = "--captions-per-image",
            defaultValue = "2",
            paramLabel = "N",
            description = "Captions per image (default: ${DEFAULT-VALUE}).")
    int captionsPerImage;

    @Option(
            names = "--omission-rate",
            defaultValue = "0.3",
            paramLabel = "R",
            description = "Chance a caption leaves out a visible attribute (default: ${DEFAULT-VALUE}).")
    double omissionRate;

    @Option(
            names = "--noise-rate",
            defaultValue = "0.05",
            paramLabel = "R",
            description = "Chance a colour/type/length word is wrong (annotator noise) (default: ${DEFAULT-VALUE}).")
    double noiseRate;

    @Option(
            names = "--view-dependent-share",
            defaultValue = "0.5",
            paramLabel = "R",
            description =
                    "Chance a person carries a view-dependent bag, and separately wears a front logo (default: ${DEFAULT-VALUE}).")
    double viewDependentShare;

    @Option(
            names = "--near-duplicates",
            defaultValue = "0.3",
            paramLabel = "R",
            description =
                    "Share of identities copied from another with 1-2 traits changed (default: ${DEFAULT-VALUE}).")
    double nearDuplicates;

    @Option(
            names = "--occlusion-rate",
            defaultValue = "0.15",
            paramLabel = "R",
            description = "Share of images with an object in front of the legs (default: ${DEFAULT-VALUE}).")
    double occlusionRate;

    @Option(
            names = "--cameras",
            defaultValue = "6",
            paramLabel = "N",
            description = "Cameras (backgrounds and light) (default: ${DEFAULT-VALUE}).")
    int cameras;

    @Option(
            names = "--split-ratios",
            paramLabel = "T,V,E",
            description = "Shares of identities in train, val, test (default: the preset's).")
    String splitRatios;

    @Option(
            names = "--image-format",
            defaultValue = "png",
            paramLabel = "FMT",
            description = "png or jpg (default: ${DEFAULT-VALUE}).")
    String imageFormat;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description =
                    "Drawing threads; the output does not depend on it (default: WEAKPAIR_THREADS, else all cores).")
    Integer threads;

    /** The configuration these options describe (validated: a bad value is a usage error, exit code 2). */
    SynthConfig config() {
        return UsageException.check(this::parseConfig);
    }

    private SynthConfig parseConfig() {
        int[] hw = parseSize(size);
        int[] perId = parseRange(imagesPerId);
        List<View> viewList = new ArrayList<>();
        for (String v : views.split(",")) if (!v.isBlank()) viewList.add(View.parse(v));
        List<Double> ratios = new ArrayList<>();
        for (String r : (splitRatios != null ? splitRatios : preset.splitRatios).split(","))
            ratios.add(parseDouble(r, "--split-ratios"));
        return new SynthConfig(
                ids != null ? ids : preset.ids,
                seed != null ? seed : preset.seed,
                hw[0],
                hw[1],
                viewList,
                perId[0],
                perId[1],
                captionsPerImage,
                omissionRate,
                noiseRate,
                viewDependentShare,
                nearDuplicates,
                occlusionRate,
                cameras,
                ratios,
                imageFormat.toLowerCase(Locale.ROOT));
    }

    @Override
    public void run() {
        SynthConfig cfg = config();
        int n = DatasetOptions.threads(threads);
        Path dir = out != null ? out : Environment.current().defaultDataDir();
        SyntheticGenerator.Result r = SyntheticGenerator.generate(cfg, dir, n, System.err);
        int[] perSplit = cfg.identitiesPerSplit();
        System.out.printf(
                Locale.ROOT,
                "wrote %s, %s, %s (train %d / val %d / test %d) to %s in %.1f s%n",
                Words.count(r.plan().images().size(), "image"),
                Words.count(r.plan().captionCount(), "caption"),
                Words.count(r.plan().identities().size(), "identity", "identities"),
                perSplit[0],
                perSplit[1],
                perSplit[2],
                dir,
                r.seconds());
        // A corpus meant for pre-training says whether it holds any benchmark person (the
        // zero-shot numbers on the benchmark would then be partly recall, not generalisation).
        SynthConfig benchmark = SynthConfig.defaults();
        if (cfg.seed() != benchmark.seed() || cfg.ids() != benchmark.ids())
            System.out.println(
                    BenchmarkTwins.of(r.plan().identities(), benchmark).describe());
    }

    /** Preset names in any case, with the choices in the error. */
    static final class PresetConverter implements picocli.CommandLine.ITypeConverter<Preset> {
        @Override
        public Preset convert(String value) {
            for (Preset p : Preset.values()) if (p.name().equalsIgnoreCase(value.trim())) return p;
            throw new picocli.CommandLine.TypeConversionException(
                    "--preset must be benchmark or pretrain, got '" + value + "'");
        }
    }

    static int[] parseSize(String s) {
        String[] parts = s.trim().toLowerCase(Locale.ROOT).split("x");
        if (parts.length != 2) throw new IllegalArgumentException("--size must be HxW, e.g. 128x48, got '" + s + "'");
        return new int[] {parseInt(parts[0], "--size"), parseInt(parts[1], "--size")};
    }

    static int[] parseRange(String s) {
        String[] parts = s.trim().split("-");
        if (parts.length == 1) {
            int n = parseInt(parts[0], "--images-per-id");
            return new int[] {n, n};
        }
        if (parts.length == 2)
            return new int[] {parseInt(parts[0], "--images-per-id"), parseInt(parts[1], "--images-per-id")};
        throw new IllegalArgumentException("--images-per-id must be N or MIN-MAX, got '" + s + "'");
    }

    private static int parseInt(String s, String option) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + s.trim() + "' is not a whole number");
        }
    }

    private static double parseDouble(String s, String option) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + s.trim() + "' is not a number");
        }
    }
}
