package io.weakpair.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.backend.Backends;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;

/**
 * The device the CUDA tests run on: cuda:0 on a GPU; the CPU emulator of the kernels when this
 * build's kernel library is the emulator build (no nvcc); otherwise the test is skipped, with
 * the reason in the report (a JUnit assumption), never passed silently.
 */
public final class CudaTestSupport {
    private CudaTestSupport() {}

    public static Device device() {
        Assumptions.assumeTrue(
                deviceIfAny() != null, () -> "skipped: no CUDA device: " + Backends.cudaUnavailableReason());
        CudaBackend b = CudaBackends.get(0);
        System.out.println("CUDA tests on " + b.describe());
        return Device.cuda(0);
    }

    /**
     * cuda:0 (a GPU, or the emulator in an emulator build) when there is one, else null: for
     * tests that run on the CPU in any case and on the device as well where there is one.
     */
    public static Device deviceIfAny() {
        if (!CudaBackends.isAvailable()
                && CudaProbe.raw().loaded()
                && !CudaProbe.raw().gpuBuild()) System.setProperty(CudaProbe.EMULATOR_PROPERTY, "true");
        return CudaBackends.isAvailable() ? Device.cuda(0) : null;
    }

    public static CudaBackend backend() {
        return CudaBackends.get(device().index());
    }

    /**
     * ||got - want|| / ||want|| (absolute when want is all zeros); infinite when either side
     * holds a NaN or an infinity anywhere, so a kernel writing NaN fails even where its CPU twin
     * does too (no test here expects non-finite values).
     */
    public static double relativeError(double[] got, double[] want) {
        assertEquals(want.length, got.length, "lengths");
        double d2 = 0, n2 = 0;
        for (int i = 0; i < want.length; i++) {
            if (!Double.isFinite(got[i]) || !Double.isFinite(want[i])) return Double.POSITIVE_INFINITY;
            double d = got[i] - want[i];
            d2 += d * d;
            n2 += want[i] * want[i];
        }
        return n2 > 0 ? Math.sqrt(d2 / n2) : Math.sqrt(d2);
    }

    public static void assertClose(String what, Tensor got, Tensor want, double tolerance) {
        assertEquals(
                java.util.Arrays.toString(want.shape()), java.util.Arrays.toString(got.shape()), what + ": shapes");
        double[] g = got.toDoubleArray(), w = want.toDoubleArray();
        double rel = relativeError(g, w);
        System.out.printf("cuda-vs-cpu %-36s relative error %.3e%n", what, rel);
        for (int i = 0; i < w.length; i++)
            assertTrue(
                    Double.isFinite(g[i]) && Double.isFinite(w[i]),
                    what + ": unexpected non-finite value at " + i + ": cuda " + g[i] + ", cpu " + w[i]);
        assertTrue(rel <= tolerance, what + ": relative error " + rel + " > " + tolerance);
    }

    public static double tolerance(DType dtype) {
        return dtype == DType.F64 ? 1e-12 : 1e-5;
    }
}
