package io.weakpair.cli;

import io.weakpair.backend.Backends;
import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetStats;
import io.weakpair.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The main job: train on a dataset (the built-in synthetic one by default), then evaluate.
 * Until the model and training loop land (docs/model.md, their own issue) it prepares and checks
 * what training will read: the device and the dataset.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train on a dataset (default: the built-in synthetic benchmark, generated on first use), then evaluate.")
final class TrainCommand implements Runnable {
    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, cuda or cuda:N (default: ${DEFAULT-VALUE})")
    String device;

    @Mixin
    DatasetOptions data;

    @Override
    public void run() {
        Device dev = Backends.resolve(device);
        System.out.println("device: " + Backends.get(dev).describe());
        Dataset dataset = data.read();
        System.out.print(DatasetStats.format(dataset));
        System.out.println("weakpair train: the engine, the method's losses and the data are ready; the ALBEF-style model "
                + "and the training loop arrive with their own issue (model.md), so nothing was trained yet.");
    }
}
