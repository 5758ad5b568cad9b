package io.weakpair.backend.cuda;

import io.weakpair.nativ.cuda.CudaKernels;

/**
 * Whether this process can use CUDA, and in words why not. The kernel library is probed once
 * (it links the CUDA runtime statically, so loading it needs nothing but itself; the device
 * query then needs the driver, libcuda.so.1). Any loading failure (a missing library, a JNI
 * glue that was not built, a driver older than the runtime) becomes a reason, never an error
 * escaping to the caller.
 */
final class CudaProbe {
    /** Set to true to let a CPU-emulator build of the kernel library act as cuda:0 (tests only). */
    static final String EMULATOR_PROPERTY = "weakpair.cuda.emulator";

    /** What the kernel library said: gpuBuild, and the device count or a failure reason. */
    record Raw(boolean loaded, boolean gpuBuild, int deviceCount, String reason) {}

    /** The verdict for this process. */
    record Result(boolean available, boolean emulated, int deviceCount, String reason) {}

    private static Raw raw;

    private CudaProbe() {}

    static synchronized Raw raw() {
        if (raw == null) raw = probe();
        return raw;
    }

    static Result result() {
        Raw r = raw();
        if (!r.loaded()) return new Result(false, false, 0, r.reason());
        if (!r.gpuBuild()) {
            if (Boolean.getBoolean(EMULATOR_PROPERTY)) return new Result(true, true, 1, null);
            return new Result(
                    false,
                    false,
                    0,
                    "this build has no GPU code: libweakpair_cuda.so was compiled without nvcc "
                            + "(the CPU-emulator build); rebuild where the CUDA toolkit (nvcc) is installed");
        }
        if (r.deviceCount() <= 0) return new Result(false, false, 0, r.reason());
        return new Result(true, false, r.deviceCount(), null);
    }

    private static Raw probe() {
        boolean gpuBuild;
        try {
            gpuBuild = CudaKernels.wpc_is_gpu_build() != 0;
        } catch (LinkageError e) {
            return new Raw(
                    false,
                    false,
                    0,
                    "the CUDA kernel library (libweakpair_cuda.so and its JNI glue) could not be " + "loaded: "
                            + rootMessage(e));
        }
        if (!gpuBuild) return new Raw(true, false, 0, null);
        int count = CudaKernels.wpc_device_count();
        if (count > 0) return new Raw(true, true, count, null);
        if (count == 0) return new Raw(true, true, 0, "the NVIDIA driver reports no CUDA device");
        return new Raw(true, true, 0, describeError(-count));
    }

    /** Words for the CUDA runtime's initialisation errors that mean "no GPU here". */
    static String describeError(int code) {
        String runtime = CudaKernels.wpc_error_string(code).getString();
        return switch (code) {
            case 35 ->
                "no usable NVIDIA driver: the driver library libcuda.so.1 is missing, or older than the CUDA 13 "
                        + "runtime this build uses (cudaErrorInsufficientDriver: " + runtime + ")";
            case 34 ->
                "the driver library libcuda.so.1 is only a stub: no NVIDIA driver is installed (" + runtime + ")";
            case 100 -> "no CUDA device is present (" + runtime + ")";
            case 3 -> "the CUDA driver failed to initialise (" + runtime + ")";
            default -> "CUDA initialisation failed: " + runtime + " (error " + code + ")";
        };
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        String m = c.getMessage();
        return c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
