package io.weakpair.cli;

import io.weakpair.backend.Backends;
import io.weakpair.tensor.Device;
import picocli.CommandLine.Option;

/**
 * The --device option of the commands that run the model (a mixin, so its words are written
 * once), and the one place a command-line device is resolved: train and ablate, whose --device
 * is the configuration key {@code device}, resolve theirs here too.
 */
final class DeviceOption {
    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            description = Backends.DEVICE_HELP + " (default: ${DEFAULT-VALUE})")
    String device = "auto";

    /** A --device that defaults to {@code text} instead of auto (losses: the CPU reference). */
    static DeviceOption defaulting(String text) {
        DeviceOption o = new DeviceOption();
        o.device = text;
        return o;
    }

    /** The device given ({@link #resolve(String)}). */
    Device resolve() {
        return resolve(device);
    }

    /**
     * auto, cpu, cuda or cuda:N. A value that is none of these is a usage error (exit code 2);
     * a device this machine cannot use is a failure (exit code 1) that says why.
     */
    static Device resolve(String text) {
        String t = text.trim();
        if (!t.equalsIgnoreCase("auto")) {
            Device d;
            try {
                d = Device.parse(t);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--device must be auto, cpu, cuda or cuda:N, got '" + text + "'");
            }
            if (!d.isCpu() && d.index() < 0)
                throw new UsageException("--device must be auto, cpu, cuda or cuda:N, got '" + text + "'");
        }
        return Backends.resolve(t);
    }
}
