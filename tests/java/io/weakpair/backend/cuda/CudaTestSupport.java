package io.weakpair.backend.cuda;

import io.weakpair.backend.Backends;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The device the CUDA tests run on: cuda:0 on a GPU; the CPU emulator of the kernels when this
 * build's kernel library is the emulator build (no nvcc); otherwise the test is skipped, with
 * the reason in the report (a JUnit assumption), never passed silently.
 */
public final class CudaTestSupport {
    private CudaTestSupport() {}

    public static Device device() {
        if (!CudaBackends.isAvailable() && CudaProbe.raw().loaded() && !CudaProbe.raw().gpuBuild())
            System.setProperty(CudaProbe.EMULATOR_PROPERTY, "true");
        Assumptions.assumeTrue(CudaBackends.isAvailable(), () -> "skipped: no CUDA device: " + Backends.cudaUnavailableReason());
        CudaBackend b = CudaBackends.get(0);
        System.out.println("CUDA tests on " + b.describe());
        return Device.cuda(0);
    }

    public static CudaBackend backend() { return CudaBackends.get(device().index()); }

    /** ||got - want|| / ||want|| (absolute when want is all zeros). */
    public static double relativeError(double[] got, double[] want) {
        assertEquals(want.length, got.length, "lengths");
        double d2 = 0, n2 = 0;
        for (int i = 0; i < want.length; i++) {
            double d = got[i] - want[i];
            if (Double.isNaN(got[i]) != Double.isNaN(want[i])) return Double.POSITIVE_INFINITY;
            if (!Double.isNaN(d)) d2 += d * d;
            if (!Double.isNaN(want[i])) n2 += want[i] * want[i];
        }
        return n2 > 0 ? Math.sqrt(d2 / n2) : Math.sqrt(d2);
    }

    public static void assertClose(String what, Tensor got, Tensor want, double tolerance) {
        assertEquals(java.util.Arrays.toString(want.shape()), java.util.Arrays.toString(got.shape()), what + ": shapes");
        double rel = relativeError(got.toDoubleArray(), want.toDoubleArray());
        System.out.printf("cuda-vs-cpu %-36s relative error %.3e%n", what, rel);
        assertTrue(rel <= tolerance, what + ": relative error " + rel + " > " + tolerance);
    }

    public static double tolerance(DType dtype) { return dtype == DType.F64 ? 1e-12 : 1e-5; }
}
