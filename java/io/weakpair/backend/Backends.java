package io.weakpair.backend;

import io.weakpair.tensor.Device;

/** The backend for each device; the CPU backend always exists, CUDA when a driver and device do. */
public final class Backends {
    private Backends() {}

    public static Backend get(Device device) {
        if (device.isCpu()) return CpuBackend.INSTANCE;
        throw new IllegalStateException("CUDA backend unavailable for " + device + ": this build has no CUDA backend yet; use --device cpu");
    }

    public static Backend cpu() { return CpuBackend.INSTANCE; }

    /**
     * Resolves a command-line device: {@code auto} picks CUDA when it is available, else the
     * CPU; {@code cpu}, {@code cuda}, {@code cuda:N} are taken as they are.
     */
    public static Device resolve(String text) {
        if (text.trim().equalsIgnoreCase("auto")) return Device.CPU;
        Device d = Device.parse(text);
        get(d);  // fails early with the reason when the device cannot be used
        return d;
    }
}
