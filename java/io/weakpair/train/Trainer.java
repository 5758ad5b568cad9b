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
import io.weakpair.progress.StopSignal;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.Tokenization;
import io.weakpair.text.Vocabulary;
import io.weakpair.text.VocabularyBuilder;
import io.weakpair.text.WordPieceTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A training run: vocabulary, model, identity-aware batches, the step (losses, backward,
 * clipping, AdamW, temperature clamp) under a warm-up + cosine schedule, a checkpoint per epoch
 * and at the end (and on Ctrl-C), then the retrieval evaluation. A run continues from its newest
 * checkpoint on the same numbers ({@link RunState}). Logging and progress are
 * {@link TrainingListener}s, so the loop stays short.
 */
public final class Trainer {
    /** What a run produced. */
    public record Outcome(
            Path checkpoint,
            TextToImageEvaluation.Result evaluation,
            DatasetSplit evaluated,
            long steps,
            double trainSeconds,
            boolean interrupted,
            double temperature) {}

    private final TrainConfig cfg;
    private final Device device;
    private final RunFolder run;
    private final PrintStream out;
    private final List<TrainingListener> listeners;
    private final PeriodicEvaluation periodic; // null: none

    /** An evaluation on {@code split} after every {@code every} steps. */
    private record PeriodicEvaluation(DatasetSplit split, int every) {
        boolean due(long step) {
            return step % every == 0;
        }
    }

    public Trainer(TrainConfig cfg, Device device, RunFolder run, PrintStream out, List<TrainingListener> listeners) {
        this(cfg, device, run, out, listeners, null);
    }

    private Trainer(
            TrainConfig cfg,
            Device device,
            RunFolder run,
            PrintStream out,
            List<TrainingListener> listeners,
            PeriodicEvaluation periodic) {
        this.cfg = cfg;
        this.device = device;
        this.run = run;
        this.out = out;
        this.listeners = List.copyOf(listeners);
        this.periodic = periodic;
    }

    /**
     * The same trainer evaluating on {@code split} every {@code eval_every} steps (the
     * listeners get the metrics; {@code log.jsonl} keeps them), or this trainer when the
     * configuration's {@code eval_every} is 0: then the split is not asked for. The evaluation
     * runs without gradients between two steps and draws no random numbers, so a run's weights
     * do not depend on it.
     */
    public Trainer withPeriodicEvaluation(Supplier<DatasetSplit> split) {
        int every = cfg.evalEvery(); // the one place the cadence is read
        if (every <= 0) return this;
        DatasetSplit s = split.get();
        if (s == null || s.isEmpty())
            throw new IllegalArgumentException("periodic evaluation: the split holds no image");
        return new Trainer(cfg, device, run, out, listeners, new PeriodicEvaluation(s, every));
    }

    /** {@link #withPeriodicEvaluation(Supplier)} with a split at hand. */
    public Trainer withPeriodicEvaluation(DatasetSplit split) {
        return withPeriodicEvaluation(() -> split);
    }

    /** The usual listeners: the JSON-lines log and a progress line on {@code out}. */
    public static List<TrainingListener> standardListeners(PrintStream out) {
        return List.of(new JsonLinesLog(), new ProgressLine(out));
    }

    /**
     * What a run is about to do, fixed before the model is built: the splits, where it starts
     * ({@code from} null for a fresh start), the sampler and the step counts.
     */
    private record Plan(
            DatasetSplit train,
            DatasetSplit test,
            RunFolder.SavedStep from,
            RunState state,
            IdentitySampler sampler,
            List<BatchPlan> firstPlans,
            long perEpoch,
            long total,
            int runEpochs,
            int matchingFrom) {
        /** Steps already taken when this session started. */
        long stepsBefore() {
            return from != null ? from.state().step() : 0;
        }
    }

    /**
     * Trains on the dataset's train split, then evaluates on its test split (else val). With
     * {@code resume}, continues from the run folder's newest checkpoint; otherwise starts fresh
     * (from the preset, or from {@code init} when the configuration names one).
     */
    public Outcome run(Dataset dataset, boolean resume) throws IOException {
        Plan plan = plan(dataset, resume);
        ModelCheckpoint.WithVocabulary saved = saved(plan.from());
        Vocabulary vocab = saved != null ? saved.vocabulary() : vocabulary(plan.train());
        WordPieceTokenizer tokenizer = new WordPieceTokenizer(vocab);
        try (AlbefModel model = saved != null ? saved.model() : model(vocab);
                AdamW opt = new AdamW(
                        groups(model), AdamW.Config.defaults().withLr(cfg.lr()).withWeightDecay(cfg.weightDecay()))) {
            prepare(model, opt, plan.from());
            printStart(model, plan);
            for (TrainingListener l : listeners) l.onStart(cfg, plan.state(), plan.total(), run);
            Loop loop = new Loop(model, opt, tokenizer, vocab, plan);
            RunState state;
            try (StopSignal stop = StopSignal.install("finishing this step, then saving a checkpoint")) {
                state = loop.train(stop);
            }
            for (TrainingListener l : listeners) l.onEnd(state, loop.interrupted);
            printEnd(loop, state, plan);
            if (loop.interrupted)
                return new Outcome(
                        run.model(),
                        null,
                        null,
                        state.step(),
                        state.trainSeconds(),
                        true,
                        model.temperature().item());
            TextToImageEvaluation.Result eval = plan.test() == null
                            || plan.test().isEmpty()
                    ? null
                    : TextToImageEvaluation.run(model, tokenizer, plan.test(), cfg.kTest(), cfg.evalBatch(), out);
            return new Outcome(
                    run.model(),
                    eval,
                    plan.test(),
                    state.step(),
                    state.trainSeconds(),
                    false,
                    model.temperature().item());
        } finally {
            for (TrainingListener l : listeners) l.close();
        }
    }

    /** The splits, the starting point and the step counts; a batch shape the split cannot fill is an error naming it. */
    private Plan plan(Dataset dataset, boolean resume) throws IOException {
        DatasetSplit train = dataset.split(Split.TRAIN);
        if (train == null || train.isEmpty())
            throw new IllegalArgumentException(dataset.root() + ": the dataset has no training split");
        DatasetSplit test = dataset.split(Split.TEST);
        if (test == null || test.isEmpty()) test = dataset.split(Split.VAL);
        RunFolder.SavedStep from = resume ? run.latest() : null;
        RunState state = from != null ? from.state() : RunState.start();

        IdentitySampler sampler;
        List<BatchPlan> firstPlans;
        try {
            sampler = new IdentitySampler(train, cfg.p(), cfg.k(), cfg.seed(), cfg.flip());
            firstPlans = sampler.epoch(state.epoch()).batches();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("batch " + cfg.p() + "x" + cfg.k() + ": " + e.getMessage());
        }
        if (firstPlans.isEmpty())
            throw new IllegalArgumentException("batch " + cfg.p() + "x" + cfg.k() + ": the training split ("
                    + train.numIdentities() + " identities) cannot fill one batch of " + cfg.p() + " identities x "
                    + cfg.k() + " instances");
        long perEpoch = firstPlans.size();
        long total = cfg.maxSteps() > 0 ? Math.min(cfg.maxSteps(), perEpoch * cfg.epochs()) : perEpoch * cfg.epochs();
        int runEpochs = (int) ((total + perEpoch - 1) / perEpoch);
        int matchingFrom = cfg.objective().matching() == Objective.Matching.NONE ? 0 : cfg.matchingFromEpoch(runEpochs);
        return new Plan(train, test, from, state, sampler, firstPlans, perEpoch, total, runEpochs, matchingFrom);
    }

    /**
     * A fresh run writes its configuration file; a resumed one takes its optimiser state back.
     * Then the recomputation mode, and a check that the checkpoints will fit on the disk.
     */
    private void prepare(AlbefModel model, AdamW opt, RunFolder.SavedStep from) throws IOException {
        if (from == null) ConfigFile.write(cfg, run.config());
        if (from != null) opt.loadState(from.optimizer());
        model.recomputation().setMode(cfg.recompute());
        run.checkSpace(model.parameterCount());
    }

    /** The run's one-line summary: model, device, objective, batches and steps, where it resumes, what it evaluates when. */
    private void printStart(AlbefModel model, Plan plan) {
        String matching = plan.matchingFrom() > 0
                ? " (matching in epochs " + (plan.matchingFrom() + 1) + "-" + plan.runEpochs() + " of "
                        + plan.runEpochs() + ")"
                : "";
        String resuming = plan.from() != null
                ? "; resuming at step " + plan.state().step() + " from "
                        + plan.from().folder()
                : "";
        String evaluating = periodic != null
                ? "; evaluating on " + periodic.split().split().fileName() + " every " + periodic.every() + " steps"
                : "";
        out.printf(
                Locale.ROOT,
                "model %s, %,d parameters on %s; objective %s; %d identities x %d per batch, %d steps (%d per epoch)%s%s%n",
                model.config().summary(),
                model.parameterCount(),
                device,
                cfg.objective().describe() + matching,
                cfg.p(),
                cfg.k(),
                plan.total(),
                plan.perEpoch(),
                resuming,
                evaluating);
    }

    /** Steps and speed of this session; after an interruption, how to continue. */
    private void printEnd(Loop loop, RunState state, Plan plan) {
        long taken = state.step() - plan.stepsBefore();
        out.printf(
                Locale.ROOT,
                "%s %d steps in %.1f s of training (%.1f samples/s this session)%n",
                loop.interrupted ? "stopped after" : "trained",
                state.step(),
                state.trainSeconds(),
                taken * cfg.p() * cfg.k() / Math.max(1e-9, loop.sessionSeconds));
        if (loop.interrupted)
            out.printf(
                    "interrupted by %s: checkpoint %s; continue with: weakpair train --resume %s%n",
                    loop.stopSignal, loop.last.folder(), run.root());
    }

    /** The training loop proper, with the little state it carries between steps. */
    private final class Loop {
        final AlbefModel model;
        final AdamW opt;
        final WordPieceTokenizer tokenizer;
        final Vocabulary vocab;
        final IdentitySampler sampler;
        final List<BatchPlan> firstPlans;
        final long total;
        final int runEpochs;
        final WarmupCosine schedule;
        final BatchAssembler assembler;
        RunState state;
        RunFolder.SavedStep last;
        boolean interrupted;
        String stopSignal;
        double sessionSeconds;
        double evalSeconds;

        Loop(AlbefModel model, AdamW opt, WordPieceTokenizer tokenizer, Vocabulary vocab, Plan plan) {
            this.model = model;
            this.opt = opt;
            this.tokenizer = tokenizer;
            this.vocab = vocab;
            this.sampler = plan.sampler();
            this.firstPlans = plan.firstPlans();
            this.state = plan.state();
            this.total = plan.total();
            this.runEpochs = plan.runEpochs();
            this.schedule = new WarmupCosine(cfg.lr(), cfg.minLr(), Math.min(cfg.warmupSteps(), total), total);
            this.assembler = new BatchAssembler(Preprocessing.images(model.config()));
        }

        RunState train(StopSignal stop) throws IOException {
            long sessionStart = System.nanoTime();
            double secondsBefore = state.trainSeconds();
            model.train(true);
            long step = state.step();
            int bad = state.badInARow();
            // Where this session starts; `state` itself moves on at every epoch's end.
            int startEpoch = state.epoch(), startBatch = state.batchInEpoch();
            for (int epoch = startEpoch; epoch < cfg.epochs() && step < total; epoch++) {
                List<BatchPlan> plans =
                        epoch == startEpoch ? firstPlans : sampler.epoch(epoch).batches();
                int skip = epoch == startEpoch ? startBatch : 0;
                int index = skip;
                try (Prefetcher batches =
                        new Prefetcher(plans.subList(Math.min(skip, plans.size()), plans.size()), assembler, 1, 3)) {
                    while (batches.hasNext() && step < total) {
                        bad = step(batches.next(), epoch, step, bad);
                        step++;
                        index++;
                        if (periodic != null && periodic.due(step)) evaluate(step);
                        boolean stopping = stop.requested();
                        // A checkpoint at the epoch's last batch waits for the epoch's own one below.
                        boolean periodic =
                                cfg.checkpointEvery() > 0 && step % cfg.checkpointEvery() == 0 && index < plans.size();
                        if (stopping || periodic) {
                            sessionSeconds = (System.nanoTime() - sessionStart) / 1e9 - evalSeconds;
                            state = new RunState(
                                    step,
                                    index == plans.size() ? epoch + 1 : epoch,
                                    index == plans.size() ? 0 : index,
                                    bad,
                                    secondsBefore + sessionSeconds);
                            checkpoint(epoch, false);
                        }
                        if (stopping) {
                            interrupted = true;
                            stopSignal = stop.signalName();
                            return state;
                        }
                    }
                }
                sessionSeconds = (System.nanoTime() - sessionStart) / 1e9 - evalSeconds;
                boolean epochDone = index == plans.size();
                state = new RunState(
                        step,
                        epochDone ? epoch + 1 : epoch,
                        epochDone ? 0 : index,
                        bad,
                        secondsBefore + sessionSeconds);
                checkpoint(epoch, epochDone);
            }
            return state;
        }

        /** The periodic evaluation after {@code step} steps; its time is not training time. */
        private void evaluate(long step) throws IOException {
            long t0 = System.nanoTime();
            TextToImageEvaluation.Result r = TextToImageEvaluation.run(
                    model, tokenizer, periodic.split(), cfg.kTest(), cfg.evalBatch(), (PrintStream) null);
            double seconds = (System.nanoTime() - t0) / 1e9;
            evalSeconds += seconds;
            for (TrainingListener l : listeners)
                l.onEvaluation(step, periodic.split().split().fileName(), r.metrics(), seconds);
        }

        /** One step; returns the NaN streak after it. */
        private int step(Batch batch, int epoch, long step, int bad) throws IOException {
            double lr = schedule.lr(step);
            try (Scope s = Scope.open()) {
                long stepSeed = Seeds.derive(cfg.seed(), "step " + step);
                model.regularisation().reseed(stepSeed);
                Tensor images = Tensor.of(batch.images(), batch.size(), 3, batch.height(), batch.width())
                        .to(device);
                StepLosses losses = StepLosses.compute(
                        model,
                        images,
                        Tokenization.batch(
                                tokenizer, batch.captions(), model.config().maxTokens()),
                        batch.labels(),
                        cfg.objective(epoch, runEpochs),
                        stepSeed);
                double value = losses.total().item();
                if (!Double.isFinite(value)) {
                    bad++;
                    for (TrainingListener l : listeners) l.onSkippedStep(step, value, bad);
                    if (bad >= cfg.maxBadSteps())
                        throw new IllegalStateException("the loss was NaN or infinite in " + bad
                                + " steps in a row (step " + step + "); lower the learning rate or check the data");
                    model.zeroGrad();
                    return bad;
                }
                Autograd.backward(losses.total());
                double norm = cfg.gradClip() > 0
                        ? GradClip.clipGradNorm(model.namedParameters().values(), cfg.gradClip())
                        : 0;
                opt.setLr(lr);
                opt.step();
                Temperature.clamp(model.temperature());
                model.zeroGrad();
                TrainingListener.StepRecord r = new TrainingListener.StepRecord(
                        epoch,
                        step,
                        total,
                        lr,
                        value,
                        losses.itc(),
                        losses.matching(),
                        losses.mlm(),
                        norm,
                        model.temperature().item(),
                        losses.pairs(),
                        batch.size());
                for (TrainingListener l : listeners) l.onStep(r);
                return 0;
            }
        }

        private void checkpoint(int epoch, boolean endOfEpoch) throws IOException {
            last = run.save(
                    model,
                    vocab,
                    opt,
                    state,
                    Map.of(
                            "epoch",
                            Integer.toString(epoch + 1),
                            "step",
                            Long.toString(state.step()),
                            "objective",
                            cfg.objective().describe(),
                            ConfigKey.K_TEST.key(),
                            Integer.toString(cfg.kTest())),
                    cfg.keepCheckpoints());
            for (TrainingListener l : listeners) l.onCheckpoint(last, endOfEpoch);
            if (endOfEpoch)
                out.printf(
                        Locale.ROOT,
                        "epoch %d done (step %d): checkpoint %s%n",
                        epoch + 1,
                        state.step(),
                        last.folder());
        }
    }

    /**
     * The model a resumed run saved, or the configured init checkpoint (at the configured image
     * size), each with its own vocabulary; null for a fresh start.
     */
    private ModelCheckpoint.WithVocabulary saved(RunFolder.SavedStep from) throws IOException {
        if (from != null) return ModelCheckpoint.loadWithVocabulary(from.model(), device);
        int[] size = cfg.imageSize();
        if (cfg.init() != null)
            return ModelCheckpoint.loadWithVocabulary(
                    cfg.init(), device, size == null ? 0 : size[0], size == null ? 0 : size[1]);
        return null;
    }

    /** A fresh model of the preset, its table sized to the vocabulary. */
    private AlbefModel model(Vocabulary vocab) {
        int[] size = cfg.imageSize();
        ModelConfig config = ModelConfig.preset(cfg.preset()).withVocabSize(vocab.size());
        if (size != null) config = config.withImageSize(size[0], size[1]);
        return new AlbefModel(config, cfg.seed(), DType.F32, device);
    }

    /** A vocabulary built from the training captions (fresh start only). */
    private Vocabulary vocabulary(DatasetSplit train) {
        List<String> captions = new ArrayList<>();
        for (DataRecord r : train.records()) captions.addAll(r.captions());
        return VocabularyBuilder.build(captions, cfg.vocabSize(), 1);
    }

    /**
     * AdamW groups: weight decay except on {@link AlbefModel#noWeightDecay()}, and the heads
     * ({@link AlbefModel#headParameters()}) at their own learning rate; each group keeps the
     * model's parameter order.
     */
    private List<ParamGroup> groups(AlbefModel model) {
        Map<String, Tensor> encDecay = new LinkedHashMap<>(),
                encNo = new LinkedHashMap<>(),
                headDecay = new LinkedHashMap<>(),
                headNo = new LinkedHashMap<>();
        Set<Tensor> heads = model.headParameters(), noWeightDecay = model.noWeightDecay();
        for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
            boolean head = heads.contains(e.getValue()), noDecay = noWeightDecay.contains(e.getValue());
            (head ? (noDecay ? headNo : headDecay) : (noDecay ? encNo : encDecay)).put(e.getKey(), e.getValue());
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
