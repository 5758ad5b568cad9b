package io.weakpair.bench;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.backend.KernelProfile;
import io.weakpair.loss.Temperature;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelConfig;
import io.weakpair.model.Recomputation;
import io.weakpair.optim.AdamW;
import io.weakpair.optim.GradClip;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.MemoryStats;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.TextBatch;
import io.weakpair.train.Objective;
import io.weakpair.train.StepLosses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Time of one full training step of a preset (forward of every loss, backward, clipping,
 * AdamW) on random images and captions, and of the image encoder's eval forward (gallery
 * embedding), with the process's peak resident memory. Medians after warm-up.
 *
 * <pre>java ... io.weakpair.bench.ModelStepMain PRESET [P K] [steps] [train|forward] [none|fusion|all]</pre>
 * (the last: which layers recompute their activations in backward; none by default). With
 * WEAKPAIR_PROFILE=1 the per-kernel table printed at exit covers the measured steps.)
 */
public final class ModelStepMain {
    public static void main(String[] args) throws IOException {
        String preset = args.length > 0 ? args[0] : "tiny";
        int p = args.length > 2 ? Integer.parseInt(args[1]) : 16, k = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int steps = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        String what = args.length > 4 ? args[4] : "train";
        Recomputation.Mode recompute = Recomputation.Mode.parse(args.length > 5 ? args[5] : "none");
        int n = p * k;
        ModelConfig c = ModelConfig.preset(preset);
        if (!preset.equals("base")) c = c.withVocabSize(2000);
        int l = Math.min(c.maxTokens(), 24);
        try (AlbefModel model = new AlbefModel(c, 1, DType.F32, Device.CPU);
                Tensor images =
                        Scope.detach(Tensor.randn(2, 1, DType.F32, Device.CPU, n, 3, c.imageHeight(), c.imageWidth()));
                AdamW opt = AdamW.withDecayExclusions(
                        model.namedParameters(), AdamW.Config.defaults().withLr(1e-4), null)) {
            model.recomputation().setMode(recompute);
            MemoryStats.resetPeak(Device.Kind.CPU);
            TextBatch text = captions(n, l, c.vocabSize());
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = i / k;
            double[] times = new double[steps];
            int warmup = Math.max(2, steps / 5);
            for (int s = -warmup; s < steps; s++) {
                long t0 = System.nanoTime();
                try (Scope scope = Scope.open()) {
                    if (what.equals("forward")) {
                        model.eval();
                        try (GradMode off = GradMode.off()) {
                            model.imageProjection(model.encodeImages(images)).toFloatArray();
                        }
                    } else {
                        StepLosses losses = StepLosses.compute(model, images, text, labels, Objective.finetune(), s);
                        Autograd.backward(losses.total());
                        GradClip.clipGradNorm(model.namedParameters().values(), 5.0);
                        opt.step();
                        Temperature.clamp(model.temperature());
                        model.zeroGrad();
                    }
                }
                if (s >= 0) times[s] = (System.nanoTime() - t0) / 1e6;
                if (s == -1) KernelProfile.reset(); // WEAKPAIR_PROFILE=1: the table covers the measured steps only
            }
            double[] sorted = times.clone();
            Arrays.sort(sorted);
            double median = sorted[steps / 2];
            System.out.printf(
                    Locale.ROOT,
                    "%s %s batch %d (%dx%d), %d tokens, %,d parameters, recompute %s: median %.1f ms/step, %.1f samples/s, "
                            + "peak RSS %.0f MiB, peak tensors %.0f MiB (steps: %s)%n",
                    preset,
                    what,
                    n,
                    p,
                    k,
                    l,
                    model.parameterCount(),
                    recompute.key(),
                    median,
                    n / (median / 1e3),
                    peakRssMiB(),
                    MemoryStats.peakBytes(Device.Kind.CPU) / 1048576.0,
                    Arrays.toString(Arrays.stream(times).mapToLong(Math::round).toArray()));
        }
    }

    public static TextBatch captions(int n, int l, int vocab) {
        SplittableRandom rng = new SplittableRandom(3);
        int[] ids = new int[n * l], mask = new int[n * l];
        for (int i = 0; i < n; i++) {
            int len = l / 2 + rng.nextInt(l / 2 + 1);
            for (int j = 0; j < len; j++) {
                ids[i * l + j] = j == 0 ? 2 : j == len - 1 ? 3 : 5 + rng.nextInt(vocab - 5);
                mask[i * l + j] = 1;
            }
        }
        return new TextBatch(ids, mask, n, l, 0, 2, 4, vocab);
    }

    /** VmHWM of /proc/self/status: the peak resident set of this process. */
    static double peakRssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        return Double.NaN;
    }
}
