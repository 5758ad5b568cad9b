package io.weakpair.train;

import io.weakpair.autograd.Autograd;
import io.weakpair.data.Batch;
import io.weakpair.data.BatchAssembler;
import io.weakpair.data.BatchPlan;
import io.weakpair.data.DataRecord;
import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.IdentitySampler;
import io.weakpair.data.Prefetcher;
import io.weakpair.data.Split;
import io.weakpair.eval.TextToImageEvaluation;
import io.weakpair.loss.Temperature;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.model.ModelConfig;
import io.weakpair.model.Preprocessing;
import io.weakpair.nn.Seeds;
import io.weakpair.optim.AdamW;
import io.weakpair.optim.GradClip;
import io.weakpair.optim.ParamGroup;
import io.weakpair.optim.WarmupCosine;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.Vocabulary;
import io.weakpair.text.VocabularyBuilder;
import io.weakpair.text.WordPieceTokenizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A training run: vocabulary, model, identity-aware batches, the step (losses, backward,
 * clipping, AdamW, temperature clamp) under a warm-up + cosine schedule, a checkpoint per
 * epoch, and the retrieval evaluation at the end. What happens around the loop (progress,
 * the JSON-lines log, checkpoints) is done by small listeners, so the loop stays short.
 */
public final class Trainer {
    /** What a run produced. */
    public record Outcome(Path checkpoint, TextToImageEvaluation.Result evaluation, long steps, double trainSeconds) {}

    private final TrainConfig cfg;
    private final Device device;
    private final Path runDir;
    private final PrintStream out;

    public Trainer(TrainConfig cfg, Device device, Path runDir, PrintStream out) {
        this.cfg = cfg;
        this.device = device;
        this.runDir = runDir;
        this.out = out;
    }

    /** Trains on the dataset's train split (from {@code init} when given, else a fresh preset), then evaluates on its test split. */
    public Outcome run(Dataset dataset, Path init) throws IOException {
        DatasetSplit train = dataset.split(Split.TRAIN);
        if (train == null || train.isEmpty()) throw new IllegalArgumentException(dataset.root() + ": the dataset has no training split");
        DatasetSplit test = dataset.split(Split.TEST);
        if (test == null || test.isEmpty()) test = dataset.split(Split.VAL);
        Files.createDirectories(runDir);
        Path checkpoint = runDir.resolve("model.safetensors");

        Vocabulary vocab = vocabulary(train, init);
        vocab.write(ModelCheckpoint.vocabularyPath(checkpoint));
        WordPieceTokenizer tokenizer = new WordPieceTokenizer(vocab);
        IdentitySampler sampler = new IdentitySampler(train, cfg.p(), cfg.k(), cfg.seed(), cfg.flip());
        List<BatchPlan> first = sampler.epoch(0).batches();
        if (first.isEmpty())
            throw new IllegalArgumentException("the training split cannot fill one batch of " + cfg.p() + " identities x " + cfg.k()
                    + " instances (" + train.numIdentities() + " identities)");
        long perEpoch = first.size();
        long total = cfg.maxSteps() > 0 ? Math.min(cfg.maxSteps(), perEpoch * cfg.epochs()) : perEpoch * cfg.epochs();

        try (AlbefModel model = init != null ? ModelCheckpoint.load(init, device)
                : new AlbefModel(ModelConfig.preset(cfg.preset()).withVocabSize(vocab.size()), cfg.seed(), DType.F32, device);
             AdamW opt = new AdamW(groups(model), AdamW.Config.defaults().withLr(cfg.lr()).withWeightDecay(cfg.weightDecay()))) {
            if (model.config().vocabSize() != vocab.size())
                throw new IllegalArgumentException("the vocabulary has " + vocab.size() + " tokens but the model's table has "
                        + model.config().vocabSize());
            out.printf(Locale.ROOT, "model %s, %,d parameters on %s; objective %s; %d identities x %d per batch, %d steps (%d per epoch)%n",
                    model.config().summary(), model.parameterCount(), device, cfg.objective().describe(), cfg.p(), cfg.k(), total, perEpoch);
            WarmupCosine schedule = new WarmupCosine(cfg.lr(), cfg.minLr(), Math.min(cfg.warmupSteps(), total), total);
            BatchAssembler assembler = new BatchAssembler(Preprocessing.images(model.config()));
            StepLog log = new StepLog(runDir.resolve("log.jsonl"), total, out);
            long step = 0;
            int badInARow = 0;
            long start = System.nanoTime();
            model.train(true);
            for (int epoch = 0; epoch < cfg.epochs() && step < total; epoch++) {
                List<BatchPlan> plans = epoch == 0 ? first : sampler.epoch(epoch).batches();
                try (Prefetcher batches = new Prefetcher(plans, assembler, 1, 3)) {
                    while (batches.hasNext() && step < total) {
                        Batch batch = batches.next();
                        double lr = schedule.lr(step);
                        try (Scope s = Scope.open()) {
                            long stepSeed = Seeds.derive(cfg.seed(), "step " + step);
                            model.regularisation().reseed(stepSeed);
                            Tensor images = Tensor.of(batch.images(), batch.size(), 3, batch.height(), batch.width()).to(device);
                            StepLosses losses = StepLosses.compute(model, images, Tokenization.batch(tokenizer, batch.captions(),
                                    model.config().maxTokens()), batch.labels(), cfg.objective(), stepSeed);
                            double value = losses.total().item();
                            if (!Double.isFinite(value)) {
                                badInARow++;
                                out.printf(Locale.ROOT, "warning: step %d: loss is %s; the step is skipped (%d in a row)%n", step, value, badInARow);
                                if (badInARow >= cfg.maxBadSteps())
                                    throw new IllegalStateException("the loss was NaN or infinite in " + badInARow + " steps in a row (step "
                                            + step + "); lower the learning rate or check the data");
                                model.zeroGrad();
                            } else {
                                badInARow = 0;
                                Autograd.backward(losses.total());
                                double norm = cfg.gradClip() > 0 ? GradClip.clipGradNorm(model.namedParameters().values(), cfg.gradClip()) : 0;
                                opt.setLr(lr);
                                opt.step();
                                Temperature.clamp(model.temperature());
                                model.zeroGrad();
                                log.step(epoch, step, lr, losses, value, norm, model.temperature().item(), batch.size());
                            }
                        }
                        step++;
                    }
                }
                ModelCheckpoint.save(model, checkpoint, Map.of("epoch", Integer.toString(epoch + 1), "step", Long.toString(step),
                        "objective", cfg.objective().describe()));
                opt.saveState(runDir.resolve("optimizer.safetensors"));
                out.printf(Locale.ROOT, "epoch %d done (step %d): checkpoint %s%n", epoch + 1, step, checkpoint);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            log.close();
            out.printf(Locale.ROOT, "trained %d steps in %.1f s (%.1f samples/s)%n", step, seconds, step * cfg.p() * cfg.k() / seconds);
            TextToImageEvaluation.Result eval = test == null || test.isEmpty() ? null
                    : TextToImageEvaluation.run(model, tokenizer, test, cfg.kTest(), cfg.evalBatch(), out);
            return new Outcome(checkpoint, eval, step, seconds);
        }
    }

    /** The checkpoint's own vocabulary when starting from one, else one built from the training captions. */
    private Vocabulary vocabulary(DatasetSplit train, Path init) throws IOException {
        if (init != null) {
            Path beside = ModelCheckpoint.vocabularyPath(init);
            if (!Files.isRegularFile(beside))
                throw new IllegalArgumentException("--init " + init + " has no vocabulary beside it (" + beside + ")");
            return Vocabulary.read(beside);
        }
        List<String> captions = new ArrayList<>();
        for (DataRecord r : train.records()) captions.addAll(r.captions());
        return VocabularyBuilder.build(captions, cfg.vocabSize(), 1);
    }

    /**
     * AdamW groups: weight decay on matrices only (biases, LayerNorm, the temperature, position
     * embeddings and the CLS token excluded, as timm and BERT do), and the heads (projections,
     * ITM head, temperature) at their own learning rate.
     */
    private List<ParamGroup> groups(AlbefModel model) {
        Map<String, Tensor> encDecay = new LinkedHashMap<>(), encNo = new LinkedHashMap<>(), headDecay = new LinkedHashMap<>(),
                headNo = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            String n = e.getKey();
            boolean head = n.startsWith("vision_proj") || n.startsWith("text_proj") || n.startsWith("itm_head") || n.equals("temp");
            boolean noDecay = e.getValue().rank() <= 1 || n.endsWith("pos_embed") || n.endsWith("cls_token");
            (head ? (noDecay ? headNo : headDecay) : (noDecay ? encNo : encDecay)).put(n, e.getValue());
        }
        double scale = cfg.lrHeads() / cfg.lr();
        List<ParamGroup> groups = new ArrayList<>();
        if (!encDecay.isEmpty()) groups.add(new ParamGroup("encoders", encDecay, cfg.weightDecay(), 1));
        if (!encNo.isEmpty()) groups.add(new ParamGroup("encoders_no_decay", encNo, 0, 1));
        if (!headDecay.isEmpty()) groups.add(new ParamGroup("heads", headDecay, cfg.weightDecay(), scale));
        if (!headNo.isEmpty()) groups.add(new ParamGroup("heads_no_decay", headNo, 0, scale));
        return groups;
    }
}
