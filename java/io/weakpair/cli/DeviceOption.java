package io.weakpair.cli;

import io.weakpair.tensor.Device;
import picocli.CommandLine.Option;

/** The --device option of the commands that run the model (a mixin, so its words are written once). */
final class DeviceOption {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
            description = "auto, cpu, cuda or cuda:N (auto: cuda:0 when a GPU is usable, else cpu) (default: ${DEFAULT-VALUE})")
    String device;

    /** The device ({@link CliDevices#resolve}: a malformed value is exit code 2, an unusable device exit code 1). */
    Device resolve() { return CliDevices.resolve(device); }
}
