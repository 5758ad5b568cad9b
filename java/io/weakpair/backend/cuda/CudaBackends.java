package io.weakpair.backend.cuda;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CUDA backends of this process, one per device, created on first use. Nothing here loads
 * a native library until a CUDA device is asked for (or {@link #isAvailable()} is), so the
 * CPU backend never loads anything CUDA.
 */
public final class CudaBackends {
    private static final Map<Integer, CudaBackend> BACKENDS = new ConcurrentHashMap<>();

    private CudaBackends() {}

    /** True when cuda:0 can be used. */
    public static boolean isAvailable() {
        return CudaProbe.result().available();
    }

    /** Why CUDA cannot be used here, or null when it can. */
    public static String unavailableReason() {
        return CudaProbe.result().reason();
    }

    /** CUDA devices this process can use (0 when unavailable). */
    public static int deviceCount() {
        CudaProbe.Result r = CudaProbe.result();
        return r.available() ? r.deviceCount() : 0;
    }

    /** True when cuda:0 is the CPU emulator (a test set {@code weakpair.cuda.emulator} on a build without nvcc). */
    public static boolean isEmulated() {
        return CudaProbe.result().emulated();
    }

    /** The backend of cuda:{@code index}; throws with the reason when it cannot be used. */
    public static CudaBackend get(int index) {
        CudaProbe.Result r = CudaProbe.result();
        if (!r.available())
            throw new IllegalStateException(
                    "CUDA backend unavailable for cuda:" + index + ": " + r.reason() + "; use --device cpu");
        if (index < 0 || index >= r.deviceCount())
            throw new IllegalStateException("cuda:" + index + " does not exist: this machine has " + r.deviceCount()
                    + " CUDA device" + (r.deviceCount() == 1 ? "" : "s"));
        return BACKENDS.computeIfAbsent(index, i -> new CudaBackend(i, r.emulated(), r.deviceCount() > 1));
    }
}
