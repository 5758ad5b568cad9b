package io.weakpair.cli;

import io.weakpair.backend.Backends;
import io.weakpair.data.Dataset;
import io.weakpair.eval.RetrievalMetrics;
import io.weakpair.eval.TextToImageEvaluation;
import io.weakpair.tensor.Device;
import io.weakpair.train.Objective;
import io.weakpair.train.TrainConfig;
import io.weakpair.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The main job: train the ALBEF-style model with the method's losses on a dataset (the built-in
 * synthetic benchmark by default), then evaluate text-to-image retrieval on its test split.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train the model with the method's losses, then evaluate text-to-image retrieval (R@1/5/10, mAP, mINP) on "
                + "the test split by ITC similarity, ITM re-ranking of the top --k-test, and their combination.",
                "With no arguments: the tiny preset fine-tuned with uITC (alpha 0.6) + GITM + MLM on the synthetic benchmark "
                        + "(generated on first use). A run folder holds the checkpoint, its vocabulary, the optimiser state, "
                        + "log.jsonl and metrics.json."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
            description = "auto, cpu, cuda or cuda:N (auto: cuda:0 when a GPU is usable, else cpu) (default: ${DEFAULT-VALUE})")
    String device;

    @Mixin
    DatasetOptions data;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "run folder (default: runs/train-DATE-TIME under the project or home folder)")
    Path runDir;

    @Option(names = "--init", paramLabel = "CK", description = "start from this checkpoint (its vocabulary beside it) instead of a fresh preset")
    Path init;

    @Option(names = "--preset", defaultValue = "tiny", description = "model preset for a fresh start: tiny, small, base (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--epochs", defaultValue = "6", description = "epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--max-steps", defaultValue = "0", description = "stop after this many steps, 0 for no limit (default: ${DEFAULT-VALUE})")
    int maxSteps;

    @Option(names = "--batch", defaultValue = "16x4", paramLabel = "PxK",
            description = "identities x instances per identity per batch (default: ${DEFAULT-VALUE})")
    String batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--warmup", defaultValue = "100", description = "warm-up steps (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--targets", defaultValue = "uncertainty",
            description = "contrastive targets: strict (itc-strict), id (itc-id) or uncertainty (uITC) (default: ${DEFAULT-VALUE})")
    String targets;

    @Option(names = "--alpha", defaultValue = "0.6", description = "uncertainty weight in [0, 1] (default: ${DEFAULT-VALUE})")
    double alpha;

    @Option(names = "--matching", defaultValue = "gitm", description = "matching loss: none, itm or gitm (default: ${DEFAULT-VALUE})")
    String matching;

    @Option(names = "--mining", defaultValue = "topk", description = "GITM mining: topk or sample (default: ${DEFAULT-VALUE})")
    String mining;

    @Option(names = "--beta", defaultValue = "1.0", description = "weight of the matching loss (default: ${DEFAULT-VALUE})")
    double beta;

    @Option(names = "--lambda-mlm", defaultValue = "1.0", description = "weight of MLM, 0 for off (default: ${DEFAULT-VALUE})")
    double lambdaMlm;

    @Option(names = "--k-test", defaultValue = "32", description = "candidates re-ranked by ITM at evaluation, 0 for off (default: ${DEFAULT-VALUE})")
    int kTest;

    @Option(names = "--seed", defaultValue = "0", description = "seed of initialisation, batches, masks and negatives (default: ${DEFAULT-VALUE})")
    long seed;

    @Override
    public Integer call() throws IOException {
        Device dev = CliDevices.resolve(device);
        TrainConfig cfg = UsageException.check(this::config);
        Path dir = runDir != null ? runDir : io.weakpair.config.Environment.current().home().resolve("runs")
                .resolve("train-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (init != null) CliFiles.checkInputFile("--init", init);
        System.out.println("device: " + Backends.get(dev).describe());
        Dataset dataset = data.read();
        System.out.println("run folder: " + dir);
        Trainer.Outcome outcome = new Trainer(cfg, dev, dir, System.out).run(dataset, init);
        TextToImageEvaluation.Result eval = outcome.evaluation();
        if (eval != null) {
            System.out.printf(Locale.ROOT, "text-to-image retrieval on the test split: %d queries, %d images (embedding %.1f s, re-ranking %.1f s)%n",
                    eval.queries(), eval.gallery(), eval.embedSeconds(), eval.rerankSeconds());
            System.out.println(RetrievalMetrics.header());
            for (Map.Entry<String, RetrievalMetrics> e : eval.metrics().entrySet()) System.out.println(e.getValue().row(e.getKey()));
            Files.writeString(dir.resolve("metrics.json"), json(eval), StandardCharsets.UTF_8);
        }
        System.out.println("checkpoint: " + outcome.checkpoint());
        return 0;
    }

    private TrainConfig config() {
        String[] pk = batch.toLowerCase(Locale.ROOT).split("x");
        if (pk.length != 2) throw new IllegalArgumentException("--batch must be PxK such as 16x4, got '" + batch + "'");
        int p, k;
        try {
            p = Integer.parseInt(pk[0].trim());
            k = Integer.parseInt(pk[1].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--batch must be PxK such as 16x4, got '" + batch + "'");
        }
        Objective objective = new Objective(TrainConfig.targets(targets), alpha, matching(matching), TrainConfig.mining(mining), beta, lambdaMlm);
        return TrainConfig.defaults().withPreset(io.weakpair.model.ModelConfig.preset(preset).preset()).withEpochs(epochs)
                .withMaxSteps(maxSteps).withBatch(p, k).withLr(lr, lr).withWarmup(warmup).withObjective(objective).withKTest(kTest).withSeed(seed);
    }

    private static Objective.Matching matching(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "none" -> Objective.Matching.NONE;
            case "itm" -> Objective.Matching.ITM;
            case "gitm" -> Objective.Matching.GITM;
            default -> throw new IllegalArgumentException("--matching must be none, itm or gitm, got '" + s + "'");
        };
    }

    private static String json(TextToImageEvaluation.Result eval) {
        StringBuilder sb = new StringBuilder("{");
        sb.append(String.format(Locale.ROOT, "\"queries\":%d,\"gallery\":%d", eval.queries(), eval.gallery()));
        for (Map.Entry<String, RetrievalMetrics> e : eval.metrics().entrySet()) {
            sb.append(",\"").append(e.getKey()).append("\":{");
            String sep = "";
            for (Map.Entry<String, Double> m : e.getValue().asMap().entrySet()) {
                sb.append(sep).append('"').append(m.getKey()).append("\":").append(String.format(Locale.ROOT, "%.4f", m.getValue()));
                sep = ",";
            }
            sb.append('}');
        }
        return sb.append("}\n").toString();
    }
}
