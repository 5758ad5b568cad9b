package io.weakpair.cli;

import io.weakpair.backend.Backends;
import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.Split;
import io.weakpair.eval.AttributeProbe;
import io.weakpair.io.AtomicFile;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.progress.ProgressBars;
import io.weakpair.tensor.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Linear probes of a checkpoint's image features, one per ground-truth attribute of a synthetic dataset. */
@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        description = {
            "What a checkpoint's image encoder perceives: for every attribute the synthetic generator wrote down "
                    + "(gender, garment types and colours, shoes, hair, headwear, carried objects, logo, skin tone), a linear classifier "
                    + "on the frozen image features of the training split, scored on the test split, beside the majority-class rate.",
            "Needs a dataset made by weakpair synth (its ground-truth files). Prints a markdown table; --output writes it."
        })
final class ProbeCommand implements Callable<Integer> {
    @Option(
            names = "--checkpoint",
            required = true,
            paramLabel = "CK",
            description = "model checkpoint (.safetensors) with its vocabulary beside it")
    Path checkpoint;

    @Mixin
    DatasetOptions data;

    @Option(
            names = "--batch",
            defaultValue = "128",
            description = "images per forward pass (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(
            names = "--output",
            paramLabel = "FILE",
            description = "also write the table to this file (replaced atomically)")
    Path output;

    @Mixin
    DeviceOption device;

    @Override
    public Integer call() throws IOException {
        if (batch < 1) throw new UsageException("--batch must be at least 1, got " + batch);
        Device dev = device.resolve();
        CliFiles.checkInputFile("--checkpoint", checkpoint);
        if (output != null) CliFiles.checkOutputFile("--output", output, "--checkpoint", checkpoint);
        Dataset ds = data.read();
        Map<String, Map<String, String>> truth = AttributeProbe.groundTruth(ds.root());
        DatasetSplit train = ds.split(Split.TRAIN), test = ds.split(Split.TEST);
        if (train == null || train.isEmpty() || test == null || test.isEmpty())
            throw new IllegalArgumentException(ds.root() + ": the probe needs a train and a test split");
        System.out.println("device: " + Backends.get(dev).describe());
        try (AlbefModel model =
                ModelCheckpoint.loadWithVocabulary(checkpoint, dev).model()) {
            float[][] xTrain = AttributeProbe.imageFeatures(model, train, batch, ProgressBars.on(System.err));
            float[][] xTest = AttributeProbe.imageFeatures(model, test, batch, ProgressBars.on(System.err));
            List<AttributeProbe.Row> rows = AttributeProbe.run(xTrain, train, xTest, test, truth);
            String table = String.format(
                    java.util.Locale.ROOT,
                    "Linear probes of %s's image features: %d train / %d test images of %s.%n%n%s",
                    checkpoint.getFileName(),
                    xTrain.length,
                    xTest.length,
                    ds.root(),
                    AttributeProbe.table(rows));
            System.out.print(table);
            if (output != null) AtomicFile.writeString(output, table);
        }
        return 0;
    }
}
