package io.weakpair.backend;

import io.weakpair.backend.cuda.CudaBackends;
import io.weakpair.tensor.Device;

/**
 * The backend for each device: the CPU backend always exists, a CUDA backend per device when
 * a driver and a device do. CUDA is probed only when a CUDA device (or {@code auto}) is asked
 * for, so CPU-only work never loads anything CUDA.
 */
public final class Backends {
    private Backends() {}

    /** The backend of {@code device}; for CUDA, throws IllegalStateException with the reason when it cannot be used. */
    public static Backend get(Device device) {
        Backend b = device.isCpu() ? CpuBackend.INSTANCE : CudaBackends.get(device.index());
        return KernelProfile.enabled() ? KernelProfile.wrap(b) : b;
    }

    public static Backend cpu() {
        return get(Device.CPU);
    }

    /** True when cuda:0 can be used. */
    public static boolean cudaAvailable() {
        return CudaBackends.isAvailable();
    }

    /** Why CUDA cannot be used here, or null when it can. */
    public static String cudaUnavailableReason() {
        return CudaBackends.unavailableReason();
    }

    /** What {@link #resolve} accepts, in the words of every --device help and the device key. */
    public static final String DEVICE_HELP = "auto, cpu, cuda or cuda:N (auto: cuda:0 when a GPU is usable, else cpu)";

    /**
     * Resolves a command-line device: {@code auto} picks cuda:0 when CUDA is available (a real
     * GPU, never the test emulator), else the CPU; {@code cpu}, {@code cuda}, {@code cuda:N}
     * are taken as they are and fail early, with the reason, when the device cannot be used.
     */
    public static Device resolve(String text) {
        if (text.trim().equalsIgnoreCase("auto"))
            return CudaBackends.isAvailable() && !CudaBackends.isEmulated() ? Device.cuda(0) : Device.CPU;
        Device d = Device.parse(text);
        get(d);
        return d;
    }
}
