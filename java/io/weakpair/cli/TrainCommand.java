package io.weakpair.cli;

import io.weakpair.backend.Backends;
import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetStats;
import io.weakpair.tensor.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The main job. Until the model and training loop land (docs/model.md, their own issue) it prepares
 * and checks what training will read: the device and the dataset; it trains and evaluates nothing.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"The main job, in progress: today it checks the device, reads the dataset (default: the built-in "
                + "synthetic benchmark, generated on first use) and prints its statistics.",
                "The model, the training loop and the evaluation arrive with their own issue (docs/model.md); nothing is "
                        + "trained or evaluated yet."})
final class TrainCommand implements Runnable {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
            description = "auto, cpu, cuda or cuda:N (auto: cuda:0 when a GPU is usable, else cpu) (default: ${DEFAULT-VALUE})")
    String device;

    @Mixin
    DatasetOptions data;

    @Override
    public void run() {
        Device dev = CliDevices.resolve(device);
        System.out.println("device: " + Backends.get(dev).describe());
        Dataset dataset = data.read();
        System.out.print(DatasetStats.format(dataset));
        System.out.println("weakpair train: the engine, the method's losses and the data are ready; the ALBEF-style model "
                + "and the training loop arrive with their own issue (docs/model.md), so nothing was trained yet.");
    }
}
