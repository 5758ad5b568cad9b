package io.weakpair.bench;

import io.weakpair.autograd.Autograd;
import io.weakpair.io.Safetensors;
import io.weakpair.loss.Temperature;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.model.ModelConfig;
import io.weakpair.optim.AdamW;
import io.weakpair.optim.GradClip;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.TextBatch;
import io.weakpair.train.Objective;
import io.weakpair.train.StepLosses;
import io.weakpair.train.StepTrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One full training step of a checkpoint (the fine-tune objective uITC(0.6) + GITM(topk) +
 * MLM, dropout off, backward, global-norm clipping, one AdamW step, temperature clamp) on a
 * fixed random batch, and everything needed to replay and check it elsewhere: the batch, the
 * GITM pairs and MLM masks the step drew, the projections, ITM and MLM logits, every loss term,
 * every parameter's gradient (before clipping) and every parameter after the update.
 * bench/pytorch/step_reference.py replays the step in PyTorch from this file.
 *
 * <pre>java ... io.weakpair.bench.StepDumpMain CK.safetensors OUT.safetensors [P K] [seed]
 * java ... io.weakpair.bench.StepDumpMain --init PRESET CK.safetensors   (the engine's fresh initialisation, vocabulary 2,000)</pre>
 */
public final class StepDumpMain {
    static final double LR = 1e-4, WEIGHT_DECAY = 0.01, CLIP = 5.0;

    public static void main(String[] args) throws IOException {
        if (args.length == 3 && args[0].equals("--init")) {
            try (AlbefModel model =
                    new AlbefModel(ModelConfig.preset(args[1]).withVocabSize(2000), 7, DType.F32, Device.CPU)) {
                ModelCheckpoint.save(model, Path.of(args[2]));
            }
            return;
        }
        if (args.length != 2 && args.length != 4 && args.length != 5) {
            System.err.println(
                    "usage: StepDumpMain CK.safetensors OUT.safetensors [P K] [seed] | --init PRESET CK.safetensors");
            System.exit(2);
        }
        Path ck = Path.of(args[0]), out = Path.of(args[1]);
        if (!Files.isRegularFile(ck)) {
            System.err.println("StepDumpMain: checkpoint " + ck
                    + " does not exist; write one with `weakpair init` or albef_torch.py --init");
            System.exit(1);
        }
        int p = args.length >= 4 ? Integer.parseInt(args[2]) : 4, k = args.length >= 4 ? Integer.parseInt(args[3]) : 4;
        long seed = args.length == 5 ? Long.parseLong(args[4]) : 1;
        int n = p * k;
        Objective objective = Objective.finetune();
        try (AlbefModel model = ModelCheckpoint.load(ck, Device.CPU);
                AdamW opt = AdamW.withDecayExclusions(
                        model.namedParameters(),
                        AdamW.Config.defaults().withLr(LR).withWeightDecay(WEIGHT_DECAY),
                        null);
                Scope scope = Scope.open()) {
            model.train(true);
            ModelConfig c = model.config();
            Map<String, Tensor> dump = new LinkedHashMap<>();
            Tensor images = Tensor.randn(seed, 1, DType.F32, Device.CPU, n, 3, c.imageHeight(), c.imageWidth());
            TextBatch text = ModelStepMain.captions(n, Math.min(c.maxTokens(), 24), c.vocabSize());
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = i / k;
            dump.put("pixel_values", images);
            dump.put("input_ids", Tensor.ofInts(text.ids(), n, text.length()));
            dump.put("attention_mask", Tensor.ofInts(text.mask(), n, text.length()));
            dump.put("labels", Tensor.ofInts(labels, n));
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet())
                dump.put("before." + e.getKey(), copy(e.getValue()));

            StepTrace trace = new StepTrace();
            StepLosses losses = StepLosses.compute(model, images, text, labels, objective, seed, trace);
            int m = trace.pairImages().length, masked = trace.mlmPositions().length;
            dump.put("pair_images", Tensor.ofInts(trace.pairImages(), m));
            dump.put("pair_texts", Tensor.ofInts(trace.pairTexts(), m));
            dump.put("pair_labels", Tensor.ofInts(trace.pairLabels(), m));
            dump.put("mlm_ids", Tensor.ofInts(trace.mlmIds(), n, text.length()));
            dump.put("mlm_positions", Tensor.ofInts(trace.mlmPositions(), masked));
            dump.put("mlm_targets", Tensor.ofInts(trace.mlmTargets(), masked));
            dump.put("out.image_proj", trace.imageProjection());
            dump.put("out.text_proj", trace.textProjection());
            dump.put("out.itm_logits", trace.itmLogits());
            dump.put("out.mlm_logits", trace.mlmLogits());
            dump.put("loss.total", Tensor.full(losses.total().item(), DType.F32, Device.CPU));
            dump.put("loss.itc", Tensor.full(losses.itc(), DType.F32, Device.CPU));
            dump.put("loss.gitm", Tensor.full(losses.matching(), DType.F32, Device.CPU));
            dump.put("loss.mlm", Tensor.full(losses.mlm(), DType.F32, Device.CPU));

            Autograd.backward(losses.total());
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet()) {
                Tensor g = e.getValue().grad();
                if (g == null)
                    throw new IllegalStateException("parameter " + e.getKey() + " got no gradient from the step");
                dump.put("grad." + e.getKey(), copy(g));
            }
            double norm = GradClip.clipGradNorm(model.namedParameters().values(), CLIP);
            opt.step();
            Temperature.clamp(model.temperature());
            for (Map.Entry<String, Tensor> e : model.namedParameters().entrySet())
                dump.put("after." + e.getKey(), copy(e.getValue()));

            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("producer", "bench/java/io/weakpair/bench/StepDumpMain.java");
            meta.put("objective", objective.describe());
            meta.put("alpha", Double.toString(objective.alpha()));
            meta.put("beta", Double.toString(objective.beta()));
            meta.put("lambda_mlm", Double.toString(objective.lambdaMlm()));
            meta.put("lr", Double.toString(LR));
            meta.put("weight_decay", Double.toString(WEIGHT_DECAY));
            meta.put("betas", opt.config().beta1() + "," + opt.config().beta2());
            meta.put("eps", Double.toString(opt.config().eps()));
            meta.put("clip", Double.toString(CLIP));
            meta.put("grad_norm", Double.toString(norm));
            meta.put("temperature_range", Temperature.MIN + "," + Temperature.MAX);
            Safetensors.write(out, dump, meta);
            System.out.printf(
                    "StepDumpMain: %d pairs, %d pairs for GITM, %d masked tokens, loss %.6f, gradient norm %.4f -> %s%n",
                    n, m, masked, losses.total().item(), norm, out);
        }
    }

    /** A detached host copy (the parameter itself changes in place). */
    private static Tensor copy(Tensor t) {
        return Tensor.of(t.toFloatArray(), t.shape());
    }
}
