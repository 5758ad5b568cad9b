package io.weakpair.cli;

import io.weakpair.backend.Backends;
import io.weakpair.backend.CpuBackend;
import io.weakpair.config.Environment;
import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.Split;
import io.weakpair.eval.TextToImageEvaluation;
import io.weakpair.report.MetricsTable;
import io.weakpair.report.RetrievalReport;
import io.weakpair.report.TrainingPlot;
import io.weakpair.tensor.Device;
import io.weakpair.train.ConfigFile;
import io.weakpair.train.ConfigKey;
import io.weakpair.train.RunFolder;
import io.weakpair.train.TrainConfig;
import io.weakpair.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The main job: train the ALBEF-style model with the method's losses on a dataset (the built-in
 * synthetic benchmark by default), then evaluate text-to-image retrieval on its test split.
 * Settings come from the defaults, then {@code --config FILE}, then the flags and {@code --set};
 * the effective configuration is saved in the run folder, which {@code --resume} continues from.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        abbreviateSynopsis = true,
        description = {
            "Train the model with the method's losses, then evaluate text-to-image retrieval (R@1/5/10, mAP, mINP) on "
                    + "the test split by ITC similarity, ITM re-ranking of the top k_test, and their combination.",
            "With no arguments, the main job: the shipped pre-trained tiny model (models/README.md) fine-tuned at its own 128x48 "
                    + "for 6 epochs with uITC (alpha 0.6) + MLM, GITM joining for the last three, on the synthetic benchmark (generated "
                    + "on first use); under 10 minutes on 2 cores. --init none trains from scratch. The run folder holds config.yaml (every setting), log.jsonl, checkpoints/ "
                    + "(weights, optimiser state, position; one per epoch, at the end and on Ctrl-C), model.safetensors and "
                    + "metrics.json.",
            "Settings: defaults < --config FILE < flags and --set KEY=VALUE. Every key, its default and meaning are written "
                    + "with comments in the run folder's config.yaml.",
            "Exit codes: 0 done, 1 failure, 2 bad usage or configuration, 130 stopped by Ctrl-C (resumable)."
        })
final class TrainCommand implements Callable<Integer> {
    CommandSpec spec;

    /** The flags that set a configuration key, one per key (generated from {@link ConfigKey}'s table), by flag name. */
    Map<String, ConfigKey> flags;

    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        this.flags = ConfigFlags.addTo(spec, Set.of());
    }

    @Mixin
    DatasetOptions data;

    @Mixin
    ConfigOptions settings;

    @Option(
            names = "--resume",
            paramLabel = "RUN",
            description = "continue a run from its newest checkpoint, with its own configuration")
    Path resume;

    @Option(
            names = "--run-dir",
            paramLabel = "DIR",
            description = "run folder (default: runs/train-DATE-TIME under the project or home folder)")
    Path runDir;

    @Override
    public Integer call() throws IOException {
        TrainConfig cfg = UsageException.check(this::configuration);
        Device dev = DeviceOption.resolve(cfg.device());
        if (cfg.threads() > 0) {
            if (cfg.threads() > Runtime.getRuntime().availableProcessors())
                System.err.println("weakpair train: warning: threads " + cfg.threads() + " exceeds the "
                        + Runtime.getRuntime().availableProcessors() + " cores; training will be slower, not faster");
            CpuBackend.setThreads(cfg.threads());
        }
        System.out.println("device: " + Backends.get(dev).describe());
        Dataset dataset = data.read(cfg);
        RunFolder run = resume != null
                ? RunFolder.existing(resume)
                : RunFolder.prepare(runDir != null ? runDir : defaultRunDir("train"));
        System.out.println("run folder: " + run.root());
        Trainer trainer = new Trainer(cfg, dev, run, System.out, Trainer.standardListeners(System.out))
                .withPeriodicEvaluation(() -> periodicSplit(cfg));
        Trainer.Outcome outcome = trainer.run(dataset, resume != null);
        if (outcome.interrupted()) return 130;
        TextToImageEvaluation.Result eval = outcome.evaluation();
        Path plot = TrainingPlot.write(run.root());
        if (eval != null) {
            String split = outcome.evaluated().split().fileName();
            MetricsTable.print(System.out, split, eval);
            MetricsTable.write(
                    run.root().resolve("metrics.json"),
                    eval,
                    MetricsTable.context(
                            "split",
                            split,
                            "k_test",
                            cfg.kTest(),
                            "train_seconds",
                            Math.round(outcome.trainSeconds() * 10) / 10.0));
            Path report = run.root().resolve("report");
            RetrievalReport.write(
                    report,
                    outcome.evaluated(),
                    eval,
                    new RetrievalReport.Context(
                            "weakpair train: " + run.root().getFileName(),
                            split,
                            cfg.kTest() > 0 ? "itc+itm" : "itc",
                            outcome.temperature()),
                    RetrievalReport.Options.defaults());
            System.out.println(
                    "report: " + report.resolve(RetrievalReport.INDEX) + " (open it in a browser); plot: " + plot);
        }
        System.out.println("checkpoint: " + outcome.checkpoint());
        return 0;
    }

    /** The split the periodic evaluation uses: eval_dataset's (else the built-in benchmark's) val split, else its test split. */
    private static DatasetSplit periodicSplit(TrainConfig cfg) {
        DatasetOptions evalData = new DatasetOptions();
        evalData.dir = cfg.evalDataset() == null ? null : cfg.evalDataset().toString();
        Dataset d = evalData.read();
        DatasetSplit split = d.split(Split.VAL);
        if (split == null || split.isEmpty()) split = d.split(Split.TEST);
        if (split == null || split.isEmpty())
            throw new IllegalArgumentException(
                    "eval_dataset " + d.root() + " has neither a val nor a test split to evaluate on");
        System.out.printf(
                "periodic evaluation: the %s split of %s (%d images)%n",
                split.split().fileName(), d.root(), split.numImages());
        return split;
    }

    /** runs/NAME-DATE-TIME under the project (or home) folder. */
    static Path defaultRunDir(String name) {
        return Environment.current()
                .home()
                .resolve("runs")
                .resolve(name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }

    /**
     * Defaults, then the file, then the flags and --set; with --resume, the run's own file, and
     * only --device and --set of the keys that do not change the numbers (checkpoint and
     * evaluation cadence, threads): a long run can start being watched without restarting.
     */
    private TrainConfig configuration() {
        if (resume == null) {
            TrainConfig cfg = settings.build(spec, flags);
            return data.dir != null ? cfg.withAll(Map.of(ConfigKey.DATASET, data.dir), "DIR") : cfg;
        }
        boolean others = settings.file != null
                || runDir != null
                || data.dir != null
                || flags.entrySet().stream()
                        .anyMatch(f -> f.getValue() != ConfigKey.DEVICE
                                && spec.commandLine().getParseResult().hasMatchedOption(f.getKey()));
        if (others)
            throw new UsageException("--resume continues a run with its own configuration ("
                    + resume.resolve(RunFolder.CONFIG) + "); drop the other settings (only --device and --set of "
                    + changeableOnResume() + " may change)");
        Map<ConfigKey, String> changes = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> e : settings.set.entrySet()) {
            ConfigKey key = UsageException.check(() -> ConfigKey.of(e.getKey(), "--set"));
            if (!key.changeableOnResume())
                throw new UsageException("--resume: " + key.key()
                        + " changes what the run computes and cannot change when it resumes " + "(only "
                        + changeableOnResume() + " can); start a new run with --init " + resume + " instead");
            changes.put(key, e.getValue());
        }
        TrainConfig cfg;
        try {
            cfg = ConfigFile.read(resume.resolve(RunFolder.CONFIG), TrainConfig.defaults());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--resume: cannot read " + resume.resolve(RunFolder.CONFIG) + ": " + e.getMessage());
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--device"))
            changes.put(ConfigKey.DEVICE, spec.findOption("--device").getValue());
        if (changes.isEmpty()) return cfg;
        TrainConfig changed = UsageException.check(() -> cfg.withAll(changes, "--set"));
        // The run's file says what it now runs with, so a later --resume keeps the change.
        try {
            ConfigFile.write(changed, resume.resolve(RunFolder.CONFIG));
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--resume: cannot update " + resume.resolve(RunFolder.CONFIG) + ": " + e.getMessage());
        }
        return changed;
    }

    private static String changeableOnResume() {
        return java.util.Arrays.stream(ConfigKey.values())
                .filter(ConfigKey::changeableOnResume)
                .map(ConfigKey::key)
                .collect(java.util.stream.Collectors.joining(", "));
    }
}
