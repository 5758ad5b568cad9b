package io.weakpair.cli;

import io.weakpair.backend.MiningMode;
import io.weakpair.io.Safetensors;
import io.weakpair.io.SafetensorsDType;
import io.weakpair.io.SafetensorsEntry;
import io.weakpair.io.SafetensorsReader;
import io.weakpair.loss.LossesContract;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code weakpair losses}: the cross-framework contract of docs/method.md section 6. Reads image and
 * text embeddings, labels and a temperature from a safetensors file and writes the loss, its
 * gradients, the confidences and the mined pairs to another, so the kernels can be checked
 * against any independent implementation (bench/losses_reference.py does it in PyTorch).
 */
@Command(
        name = "losses",
        mixinStandardHelpOptions = true,
        description = {
            "Compute the uITC loss, its gradients, the confidences and the GITM pairs of one batch "
                    + "(method.md section 6).",
            "Input tensors: image_emb F32 [N, D], text_emb F32 [N, D], labels I64 or I32 [N], temperature F32 [] or [1].",
            "Output tensors: loss, loss_i2t, loss_t2i, grad_temperature (F32 []), grad_image_emb, grad_text_emb "
                    + "(F32 [N, D]), confidence_i2t, confidence_t2i (F32 [N, N]), hard_neg_text, hard_neg_image, "
                    + "weak_pos_text (I32 [N])."
        })
final class LossesCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, paramLabel = "IN", description = "input safetensors file")
    Path input;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "OUT",
            description =
                    "output safetensors file, not the input (replaced atomically; missing parent folders are created)")
    Path output;

    // The default is train's (ConfigKey.ALPHA), so the contract command and training cannot drift;
    // picocli takes a field's initial value as the default.
    @Option(
            names = "--alpha",
            paramLabel = "A",
            description = "uncertainty weight in [0, 1] (default: ${DEFAULT-VALUE})")
    double alpha = (Double) io.weakpair.train.ConfigKey.ALPHA.defaultValue();

    @Option(
            names = "--mode",
            defaultValue = "topk",
            paramLabel = "MODE",
            description = "mining mode: topk or sample (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(
            names = "--seed",
            defaultValue = "0",
            paramLabel = "S",
            description = "seed of the sample mode (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    DeviceOption device = DeviceOption.defaulting("cpu");

    @Override
    public Integer call() throws IOException {
        if (!(alpha >= 0 && alpha <= 1)) throw new UsageException("--alpha must be in [0, 1], got " + alpha);
        MiningMode miningMode =
                switch (mode.trim().toLowerCase(Locale.ROOT)) {
                    case "topk" -> MiningMode.TOPK;
                    case "sample" -> MiningMode.SAMPLE;
                    default -> throw new UsageException("--mode must be topk or sample, got '" + mode + "'");
                };
        Device dev = device.resolve();
        CliFiles.checkInputFile("--input", input);
        CliFiles.checkOutputFile("--output", output, "--input", input);
        Tensor image = null, text = null, labels = null;
        Map<String, Tensor> out = null;
        try (SafetensorsReader reader = Safetensors.open(input)) {
            int[] nd = checkInput(reader);
            image = reader.read("image_emb");
            text = reader.read("text_emb");
            labels = reader.read("labels");
            double tau;
            try (Tensor t = reader.read("temperature")) {
                tau = t.item();
            }
            if (!(tau > 0) || Double.isInfinite(tau))
                throw new IllegalArgumentException(input + ": temperature must be finite and > 0, got " + tau);
            if (image.backend().hasNonFinite(image))
                throw new IllegalArgumentException(input + ": image_emb holds NaN or infinite values");
            if (text.backend().hasNonFinite(text))
                throw new IllegalArgumentException(input + ": text_emb holds NaN or infinite values");
            if (!dev.isCpu()) {
                image = moved(image, dev);
                text = moved(text, dev);
                labels = moved(labels, dev);
            }
            out = LossesContract.compute(image, text, labels, tau, alpha, miningMode, seed);
            Safetensors.write(
                    output,
                    out,
                    Map.of(
                            "producer",
                            "weakpair losses",
                            "alpha",
                            Double.toString(alpha),
                            "mode",
                            mode.trim().toLowerCase(Locale.ROOT),
                            "seed",
                            Long.toString(seed)));
            System.out.printf(
                    Locale.ROOT,
                    "weakpair losses: N=%d D=%d alpha=%s mode=%s on %s: loss %.6f (i2t %.6f, t2i %.6f) -> %s%n",
                    nd[0],
                    nd[1],
                    alpha,
                    miningMode.name().toLowerCase(Locale.ROOT),
                    out.get("loss").device(),
                    out.get("loss").item(),
                    out.get("loss_i2t").item(),
                    out.get("loss_t2i").item(),
                    output);
            return 0;
        } finally {
            for (Tensor t : new Tensor[] {image, text, labels}) if (t != null) t.close();
            if (out != null) out.values().forEach(Tensor::close);
        }
    }

    private static Tensor moved(Tensor t, Device dev) {
        try (t) {
            return t.to(dev);
        }
    }

    /** Checks names, dtypes and shapes from the header before any data is read; returns {N, D}. */
    private int[] checkInput(SafetensorsReader reader) {
        SafetensorsEntry image = require(reader, "image_emb"), text = require(reader, "text_emb");
        SafetensorsEntry labels = require(reader, "labels"), temperature = require(reader, "temperature");
        dtype(image, SafetensorsDType.F32);
        dtype(text, SafetensorsDType.F32);
        dtype(temperature, SafetensorsDType.F32);
        if (labels.dtype() != SafetensorsDType.I64 && labels.dtype() != SafetensorsDType.I32)
            throw new IllegalArgumentException(input + ": labels must be I64 or I32, got " + labels.dtype());
        if (image.rank() != 2)
            throw new IllegalArgumentException(input + ": image_emb must be [N, D], got " + shape(image));
        if (text.rank() != 2)
            throw new IllegalArgumentException(input + ": text_emb must be [N, D], got " + shape(text));
        int n = image.shape()[0], d = image.shape()[1];
        if (n < 1 || d < 1)
            throw new IllegalArgumentException(input + ": image_emb must be non-empty, got " + shape(image));
        if (text.shape()[0] != n)
            throw new IllegalArgumentException(
                    input + ": N mismatch: image_emb " + shape(image) + " but text_emb " + shape(text));
        if (text.shape()[1] != d)
            throw new IllegalArgumentException(
                    input + ": D mismatch: image_emb " + shape(image) + " but text_emb " + shape(text));
        if (labels.rank() != 1 || labels.shape()[0] != n)
            throw new IllegalArgumentException(input + ": labels must be [" + n + "], got " + shape(labels));
        if (temperature.numel() != 1 || temperature.rank() > 1)
            throw new IllegalArgumentException(
                    input + ": temperature must be a scalar (shape [] or [1]), got " + shape(temperature));
        return new int[] {n, d};
    }

    private SafetensorsEntry require(SafetensorsReader reader, String name) {
        SafetensorsEntry e = reader.entries().get(name);
        if (e == null)
            throw new IllegalArgumentException(input + ": missing tensor '" + name + "' (has "
                    + reader.entries().keySet() + ")");
        return e;
    }

    private void dtype(SafetensorsEntry e, SafetensorsDType want) {
        if (e.dtype() != want)
            throw new IllegalArgumentException(input + ": " + e.name() + " must be " + want + ", got " + e.dtype());
    }

    private static String shape(SafetensorsEntry e) {
        return Arrays.toString(e.shape());
    }
}
