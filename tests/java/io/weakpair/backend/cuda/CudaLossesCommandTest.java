package io.weakpair.backend.cuda;

import static io.weakpair.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.backend.Backends;
import io.weakpair.backend.MiningMode;
import io.weakpair.io.NamedTensors;
import io.weakpair.io.Safetensors;
import io.weakpair.loss.ContrastiveLoss;
import io.weakpair.loss.LossesContract;
import io.weakpair.loss.Similarity;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weakpair losses --device cuda}: runs through the CUDA backend (the CPU emulator of the
 * kernels in a build without nvcc) and writes the file {@code --device cpu} writes: the same
 * tensors, dtypes, shapes and metadata, floating values within F32 rounding (relative error
 * 1e-5; grad_temperature, a sum of cancelling terms, relative to its terms' magnitude), mined
 * indices equal. Where no CUDA backend is usable it is one error line.
 */
class CudaLossesCommandTest {
    @TempDir
    Path dir;

    private static final int N = 32, D = 16;

    /** A batch of N pairs, K = 4 per identity, written to a file; checks that its mined pairs have no near-tie. */
    private Path input(String mode, long seed) throws IOException {
        long[] y = CudaLossFixtures.labels(31, N, 4, true);
        try (Scope s = Scope.open()) {
            Map<String, Tensor> in = new LinkedHashMap<>();
            in.put("image_emb", CudaLossFixtures.features(32, y, D, 0.9, DType.F32));
            in.put("text_emb", CudaLossFixtures.features(33, y, D, 0.9, DType.F32));
            in.put("labels", Tensor.ofLongs(y, N));
            in.put("temperature", Tensor.full(0.07, DType.F32, Device.CPU));
            double[] logits = Similarity.logits(in.get("image_emb"), in.get("text_emb"), in.get("temperature"))
                    .toDoubleArray();
            double margin = CudaLossFixtures.miningMargin(logits, N, y, MiningMode.valueOf(mode.toUpperCase()), seed);
            assertTrue(margin > 1e-4, "test data: two mining keys " + margin + " apart; pick other seeds");
            Path p = dir.resolve("in-" + mode + ".safetensors");
            Safetensors.write(p, in, Map.of());
            return p;
        }
    }

    /** The scale of grad_temperature's rounding error: its terms' magnitude (CudaLossFixtures.temperatureGradientMagnitude). */
    private static double temperatureScale(Path input) throws IOException {
        try (NamedTensors in = Safetensors.read(input)) {
            return CudaLossFixtures.temperatureGradientMagnitude(
                    in.get("image_emb"),
                    in.get("text_emb"),
                    in.get("temperature"),
                    in.get("labels"),
                    in.get("labels"),
                    ContrastiveLoss.Options.uncertainty(0.6));
        }
    }

    @Test
    void cudaWritesTheFileTheCpuWrites() throws IOException {
        CudaTestSupport.device(); // the emulator where the build has no GPU code; skipped without any CUDA
        for (String mode : new String[] {"topk", "sample"}) {
            Path in = input(mode, 7);
            Path onCpu = dir.resolve("cpu-" + mode + ".safetensors"),
                    onCuda = dir.resolve("cuda-" + mode + ".safetensors");
            String[] common = {"losses", "--input", in.toString(), "--alpha", "0.6", "--mode", mode, "--seed", "7"};
            CliRun c = run(concat(common, "--output", onCpu.toString(), "--device", "cpu"));
            CliRun u = run(concat(common, "--output", onCuda.toString(), "--device", "cuda"));
            assertEquals(0, c.code(), c.err());
            assertEquals(0, u.code(), u.err());
            assertTrue(c.out().contains(" on cpu: "), c.out());
            assertTrue(u.out().contains(" on cuda:0: "), "ran on the CUDA backend: " + u.out());
            assertSameFile(mode, onCuda, onCpu, temperatureScale(in));
        }
    }

    private static void assertSameFile(String mode, Path got, Path want, double temperatureScale) throws IOException {
        try (NamedTensors g = Safetensors.read(got);
                NamedTensors w = Safetensors.read(want)) {
            assertEquals(
                    List.of(LossesContract.OUTPUTS), List.copyOf(w.tensors().keySet()), "outputs of the cpu file");
            assertEquals(
                    List.copyOf(w.tensors().keySet()), List.copyOf(g.tensors().keySet()), "tensor names and order");
            assertEquals(w.metadata(), g.metadata(), "metadata");
            for (String name : LossesContract.OUTPUTS) {
                Tensor a = g.get(name), b = w.get(name);
                String what = "losses --mode " + mode + " " + name;
                assertEquals(b.dtype(), a.dtype(), what + ": dtype");
                assertArrayEquals(b.shape(), a.shape(), what + ": shape");
                if (b.dtype() == DType.I32) {
                    assertArrayEquals(b.toIntArray(), a.toIntArray(), what);
                    System.out.printf("cuda-vs-cpu file %-36s equal%n", what);
                } else if (name.equals("grad_temperature")) { // a sum of cancelling terms: see CudaMethodOpsTest
                    CudaLossFixtures.assertCloseToMagnitude("file " + what, a.item(), b.item(), temperatureScale, 1e-5);
                } else {
                    CudaTestSupport.assertClose("file " + what, a, b, 1e-5);
                }
            }
        }
    }

    @Test
    void withoutCudaItIsOneErrorLine() throws IOException {
        // The emulator stands in for a GPU only when a test asks; without it (and without a GPU) CUDA is unavailable.
        String emulator = System.clearProperty(CudaProbe.EMULATOR_PROPERTY);
        try {
            Assumptions.assumeFalse(Backends.cudaAvailable(), "skipped: this machine has a usable CUDA device");
            Path in = input("topk", 0), out = dir.resolve("out.safetensors");
            CliRun r = run("losses", "--input", in.toString(), "--output", out.toString(), "--device", "cuda");
            assertEquals(1, r.code(), r.err());
            String err = r.err().strip();
            assertEquals(1, err.lines().count(), "one line: " + err);
            assertTrue(err.startsWith("weakpair losses: error: CUDA backend unavailable for cuda:0: "), err);
            assertTrue(err.contains("use --device cpu"), err);
            assertFalse(err.contains("Exception"), "no stack trace: " + err);
            assertFalse(Files.exists(out), "no output file");
            assertEquals("", r.out());
        } finally {
            if (emulator != null) System.setProperty(CudaProbe.EMULATOR_PROPERTY, emulator);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
