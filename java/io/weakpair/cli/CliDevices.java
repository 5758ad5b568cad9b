package io.weakpair.cli;

import io.weakpair.backend.Backends;
import io.weakpair.tensor.Device;

/** The --device option of the commands that compute. */
final class CliDevices {
    private CliDevices() {}

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
            if (!d.isCpu() && d.index() < 0) throw new UsageException("--device must be auto, cpu, cuda or cuda:N, got '" + text + "'");
        }
        return Backends.resolve(t);
    }
}
