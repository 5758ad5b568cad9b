package io.weakpair.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The main job: train on a dataset (the built-in synthetic one by default), then evaluate. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train on a dataset (default: the built-in synthetic benchmark), then evaluate.")
final class TrainCommand implements Runnable {
    @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, cuda or cuda:N (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public void run() {
        System.out.println("weakpair train: the engine, kernels and data are in place; the model and the training loop "
                + "arrive with their own issues (model.md). Nothing was trained.");
    }
}
