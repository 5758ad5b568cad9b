package io.weakpair.cli;

import io.weakpair.io.Safetensors;
import io.weakpair.io.SafetensorsDType;
import io.weakpair.io.SafetensorsEntry;
import io.weakpair.io.SafetensorsReader;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.EmbedContract;
import io.weakpair.model.EmbedFiles;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code weakpair embed}: the model's features for images and texts. With {@code --input} it is
 * the cross-framework contract of docs/model.md (tensors in, tensors out, no preprocessing);
 * with {@code --images} and {@code --captions} it reads image files and caption lines with the
 * model's own preprocessing and tokenizer.
 */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description = {
            "Compute image and text features (and ITM logits of chosen pairs) with a checkpoint, in eval mode.",
            "Contract mode (--input): pixel_values F32 [B,3,H,W] (normalised, the checkpoint's image size), input_ids and "
                    + "attention_mask I64 or I32 [T,L] (1 = token), optional itm_pairs I64 or I32 [P,2] (image, text).",
            "Files mode (--images, --captions): image files or folders (searched recursively) and a text file with one caption "
                    + "per line, preprocessed and tokenized as the model expects (vocabulary beside the checkpoint).",
            "Output tensors: image_feat F32 [B,E], text_feat F32 [T,E] (L2-normalised projections of the CLS outputs), "
                    + "image_cls F32 [B,W_v], text_cls F32 [T,W_t], itm_logits F32 [P,2] (with pairs)."
        })
final class EmbedCommand implements Callable<Integer> {
    @Option(names = "--checkpoint", required = true, description = "model checkpoint (.safetensors)")
    Path checkpoint;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    static final class Source {
        @Option(names = "--input", required = true, description = "contract input (.safetensors)")
        Path input;

        @ArgGroup(exclusive = false)
        FileInputs files;
    }

    static final class FileInputs {
        @Option(names = "--images", arity = "1..*", description = "image files or folders")
        List<Path> images = new ArrayList<>();

        @Option(names = "--captions", description = "a UTF-8 text file, one caption per line")
        Path captions;
    }

    @Option(
            names = "--output",
            required = true,
            description = "output .safetensors (replaced atomically; folders created)")
    Path output;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws IOException {
        Device dev = device.resolve();
        CliFiles.checkInputFile("--checkpoint", checkpoint);
        CliFiles.checkOutputFile("--output", output, "--checkpoint", checkpoint);
        if (source.input != null) {
            CliFiles.checkInputFile("--input", source.input);
            CliFiles.checkOutputFile("--output", output, "--input", source.input);
        }
        CliFiles.createParents("--output", output);
        long start = System.nanoTime();
        Map<String, Tensor> out = source.input != null ? fromContract(dev) : fromFiles(dev);
        try {
            Safetensors.write(
                    output,
                    out,
                    Map.of(
                            "producer",
                            "weakpair embed",
                            "checkpoint",
                            checkpoint.getFileName().toString()));
            System.out.printf(
                    Locale.ROOT,
                    "weakpair embed: %d images, %d texts%s on %s -> %s (%.1f s)%n",
                    out.get("image_feat").dim(0),
                    out.get("text_feat").dim(0),
                    out.containsKey("itm_logits") ? ", " + out.get("itm_logits").dim(0) + " pairs" : "",
                    dev,
                    output,
                    (System.nanoTime() - start) / 1e9);
        } finally {
            out.values().forEach(Tensor::close);
        }
        return 0;
    }

    // ---------------------------------------------------------------- contract mode

    private Map<String, Tensor> fromContract(Device dev) throws IOException {
        Path in = source.input;
        try (AlbefModel model = ModelCheckpoint.load(checkpoint, dev);
                SafetensorsReader reader = Safetensors.open(in);
                Tensor pixels = read(reader, "pixel_values", true, 4);
                Tensor ids = read(reader, "input_ids", false, 2);
                Tensor mask = read(reader, "attention_mask", false, 2);
                Tensor pairs = reader.contains("itm_pairs") ? read(reader, "itm_pairs", false, 2) : null) {
            try {
                return EmbedContract.compute(model, pixels, ids, mask, pairs);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(in + ": " + e.getMessage(), e);
            }
        }
    }

    /** Reads one input tensor after checking its dtype and rank from the header; integers come back as I32. */
    private Tensor read(SafetensorsReader reader, String name, boolean floating, int rank) throws IOException {
        Path in = source.input;
        SafetensorsEntry e = reader.entries().get(name);
        if (e == null)
            throw new IllegalArgumentException(in + ": missing tensor '" + name + "' (has "
                    + reader.entries().keySet() + ")");
        if (floating && e.dtype() != SafetensorsDType.F32)
            throw new IllegalArgumentException(in + ": " + name + " must be F32, got " + e.dtype());
        if (!floating && e.dtype() != SafetensorsDType.I64 && e.dtype() != SafetensorsDType.I32)
            throw new IllegalArgumentException(in + ": " + name + " must be I64 or I32, got " + e.dtype());
        if (e.rank() != rank)
            throw new IllegalArgumentException(
                    in + ": " + name + " must have " + rank + " dimensions, got " + Arrays.toString(e.shape()));
        Tensor t = reader.read(name);
        if (floating || t.dtype() == DType.I32) return t;
        try (t) {
            long[] v = t.toLongArray();
            for (int i = 0; i < v.length; i++)
                if (v[i] != (int) v[i])
                    throw new IllegalArgumentException(
                            in + ": " + name + " value " + v[i] + " at flat index " + i + " is out of range");
            return t.toDType(DType.I32);
        }
    }

    // ---------------------------------------------------------------- files mode

    private Map<String, Tensor> fromFiles(Device dev) throws IOException {
        FileInputs f = source.files;
        if (f == null || f.images.isEmpty() || f.captions == null)
            throw new IllegalArgumentException("files mode needs both --images and --captions (or use --input)");
        for (Path root : f.images) if (!Files.isDirectory(root)) CliFiles.checkInputFile("--images", root);
        List<Path> images = EmbedFiles.images(f.images);
        if (images.isEmpty())
            throw new IllegalArgumentException("--images: no .jpg, .jpeg or .png file found in " + f.images);
        CliFiles.checkInputFile("--captions", f.captions);
        List<String> captions = EmbedFiles.readCaptions(f.captions);
        if (captions.isEmpty()) throw new IllegalArgumentException("--captions " + f.captions + " holds no caption");
        ModelCheckpoint.WithVocabulary loaded = ModelCheckpoint.loadWithVocabulary(checkpoint, dev);
        try (AlbefModel model = loaded.model()) {
            return EmbedFiles.compute(model, loaded.vocabulary(), images, captions);
        }
    }
}
