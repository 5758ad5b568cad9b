package io.weakpair.loss;

import static io.weakpair.loss.LossFixtures.assertClose;
import static io.weakpair.loss.LossFixtures.matrix;
import static io.weakpair.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.backend.Backends;
import io.weakpair.io.NamedTensors;
import io.weakpair.io.Safetensors;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.CliRun;
import io.weakpair.testing.ScopePerTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The `weakpair losses` contract: a round trip against the reference, and malformed inputs. */
@ExtendWith(ScopePerTest.class)
class LossesCommandTest {
    @TempDir
    Path dir;

    private static final int N = 24, D = 10;
    private static final long[] LABELS = LossFixtures.labels(42, N, 4);

    private Map<String, Tensor> validInput() {
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("image_emb", LossFixtures.tensor(LossFixtures.features(1, LABELS, D, 0.7), DType.F32));
        in.put("text_emb", LossFixtures.tensor(LossFixtures.features(2, LABELS, D, 0.7), DType.F32));
        in.put("labels", Tensor.ofLongs(LABELS, N));
        in.put("temperature", Tensor.full(0.07, DType.F32, Device.CPU));
        return in;
    }

    private Path write(String name, Map<String, Tensor> tensors) throws IOException {
        Path p = dir.resolve(name);
        Safetensors.write(p, tensors, Map.of());
        return p;
    }

    @Test
    void roundTripMatchesTheReference() throws IOException {
        Map<String, Tensor> in = validInput();
        Path input = write("in.safetensors", in), output = dir.resolve("out.safetensors");
        CliRun r = run("losses", "--input", input.toString(), "--output", output.toString(), "--alpha", "0.6");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("loss"), r.out());

        double[][] F = matrix(in.get("image_emb")), G = matrix(in.get("text_emb"));
        double tau = in.get("temperature").item();
        MethodReference.Out ref = MethodReference.loss(F, G, tau, LABELS, LABELS, 0.6, null);
        int[][] mined = MethodReference.mine(ref.S, LABELS, false, 0);
        try (NamedTensors got = Safetensors.read(output)) {
            assertEquals(
                    Arrays.asList(LossesContract.OUTPUTS),
                    got.tensors().keySet().stream().toList());
            for (String scalar : new String[] {"loss", "loss_i2t", "loss_t2i", "grad_temperature"}) {
                assertEquals(0, got.get(scalar).rank(), scalar + " is a scalar");
                assertEquals(DType.F32, got.get(scalar).dtype());
            }
            assertClose(got.get("loss").item(), ref.loss, 1e-5, "loss");
            assertClose(got.get("loss_i2t").item(), ref.lossI2t, 1e-5, "loss_i2t");
            assertClose(got.get("loss_t2i").item(), ref.lossT2i, 1e-5, "loss_t2i");
            assertClose(got.get("grad_temperature").item(), ref.gradTau, 1e-4, "grad_temperature");
            assertClose(matrix(got.get("grad_image_emb")), ref.gradF, 1e-4, "grad_image_emb");
            assertClose(matrix(got.get("grad_text_emb")), ref.gradG, 1e-4, "grad_text_emb");
            assertClose(matrix(got.get("confidence_i2t")), ref.cI2t, 1e-5, "confidence_i2t");
            assertClose(matrix(got.get("confidence_t2i")), ref.cT2i, 1e-5, "confidence_t2i");
            assertEquals(DType.I32, got.get("hard_neg_text").dtype());
            assertArrayEquals(mined[0], got.get("hard_neg_text").toIntArray(), "hard_neg_text");
            assertArrayEquals(mined[1], got.get("hard_neg_image").toIntArray(), "hard_neg_image");
            assertArrayEquals(mined[2], got.get("weak_pos_text").toIntArray(), "weak_pos_text");
        }
    }

    @Test
    void int32LabelsShapeOneTemperatureAndSampleModeWork() throws IOException {
        Map<String, Tensor> in = validInput();
        int[] labels32 = Arrays.stream(LABELS).mapToInt(v -> (int) v).toArray();
        in.put("labels", Tensor.ofInts(labels32, N));
        in.put("temperature", Tensor.full(0.07, DType.F32, Device.CPU, 1));
        Path input = write("in.safetensors", in);
        Path a = dir.resolve("a.safetensors"), b = dir.resolve("b.safetensors"), c = dir.resolve("c.safetensors");
        assertEquals(
                0,
                run("losses", "--input", input.toString(), "--output", a.toString(), "--mode", "sample", "--seed", "5")
                        .code());
        assertEquals(
                0,
                run("losses", "--input", input.toString(), "--output", b.toString(), "--mode", "sample", "--seed", "5")
                        .code());
        assertEquals(
                0,
                run("losses", "--input", input.toString(), "--output", c.toString(), "--mode", "sample", "--seed", "6")
                        .code());
        try (NamedTensors ta = Safetensors.read(a);
                NamedTensors tb = Safetensors.read(b);
                NamedTensors tc = Safetensors.read(c)) {
            double[][] F = matrix(in.get("image_emb")), G = matrix(in.get("text_emb"));
            int[][] mined = MethodReference.mine(
                    MethodReference.logits(F, G, in.get("temperature").item()), LABELS, true, 5);
            assertArrayEquals(mined[0], ta.get("hard_neg_text").toIntArray());
            assertArrayEquals(mined[2], ta.get("weak_pos_text").toIntArray());
            assertArrayEquals(
                    ta.get("hard_neg_text").toIntArray(),
                    tb.get("hard_neg_text").toIntArray());
            assertNotEquals(
                    Arrays.toString(ta.get("hard_neg_text").toIntArray())
                            + Arrays.toString(ta.get("hard_neg_image").toIntArray()),
                    Arrays.toString(tc.get("hard_neg_text").toIntArray())
                            + Arrays.toString(tc.get("hard_neg_image").toIntArray()));
        }
    }

    /** Writes a broken variant of the valid input and expects one error line, exit != 0 and no output file. */
    private void assertRejected(String expectInMessage, Consumer<Map<String, Tensor>> breakIt, String... extra)
            throws IOException {
        Map<String, Tensor> in = validInput();
        breakIt.accept(in);
        Path input = write("bad.safetensors", in), output = dir.resolve("bad-out.safetensors");
        String[] full = new String[5 + extra.length];
        full[0] = "losses";
        full[1] = "--input";
        full[2] = input.toString();
        full[3] = "--output";
        full[4] = output.toString();
        System.arraycopy(extra, 0, full, 5, extra.length);
        CliRun r = run(full);
        assertNotEquals(0, r.code(), "exit code for " + expectInMessage);
        assertFalse(Files.exists(output), "no output file is written");
        String err = r.err().strip();
        assertTrue(err.contains(expectInMessage), "message '" + err + "' should mention '" + expectInMessage + "'");
        if (r.code() == 1) assertEquals(1, err.lines().count(), "one line: " + err);
        assertFalse(err.contains("Exception"), "no stack trace: " + err);
    }

    @Test
    void malformedInputsAreClearErrors() throws IOException {
        assertRejected("missing tensor 'labels'", in -> in.remove("labels"));
        assertRejected("missing tensor 'temperature'", in -> in.remove("temperature"));
        assertRejected(
                "image_emb must be F32",
                in -> in.put("image_emb", in.get("image_emb").toDType(DType.F64)));
        assertRejected(
                "text_emb must be F32",
                in -> in.put("text_emb", in.get("text_emb").toDType(DType.F64)));
        assertRejected("labels must be I64 or I32", in -> in.put("labels", Tensor.zeros(DType.F32, N)));
        assertRejected(
                "temperature must be F32", in -> in.put("temperature", Tensor.full(0.07, DType.F64, Device.CPU)));
        assertRejected("image_emb must be [N, D]", in -> in.put("image_emb", Tensor.zeros(DType.F32, N * D)));
        assertRejected("text_emb must be [N, D]", in -> in.put("text_emb", Tensor.zeros(DType.F32, 2, N, D / 2)));
        assertRejected("N mismatch", in -> in.put("text_emb", Tensor.zeros(DType.F32, N - 1, D)));
        assertRejected("D mismatch", in -> in.put("text_emb", Tensor.zeros(DType.F32, N, D + 1)));
        assertRejected("labels must be [" + N + "]", in -> in.put("labels", Tensor.ofLongs(new long[] {1, 2, 3}, 3)));
        assertRejected("temperature must be a scalar", in -> in.put("temperature", Tensor.zeros(DType.F32, 2)));
        assertRejected(
                "temperature must be finite and > 0",
                in -> in.put("temperature", Tensor.full(0, DType.F32, Device.CPU)));
        assertRejected(
                "temperature must be finite and > 0",
                in -> in.put("temperature", Tensor.full(-0.1, DType.F32, Device.CPU)));
        assertRejected(
                "temperature must be finite and > 0",
                in -> in.put("temperature", Tensor.full(Double.NaN, DType.F32, Device.CPU)));
        assertRejected("image_emb holds NaN", in -> {
            float[] x = in.get("image_emb").toFloatArray();
            x[7] = Float.NaN;
            in.put("image_emb", Tensor.of(x, N, D));
        });
        assertRejected("text_emb holds NaN", in -> {
            float[] x = in.get("text_emb").toFloatArray();
            x[3] = Float.POSITIVE_INFINITY;
            in.put("text_emb", Tensor.of(x, N, D));
        });
        assertRejected("image_emb must be non-empty", in -> {
            in.put("image_emb", Tensor.zeros(DType.F32, 0, D));
            in.put("text_emb", Tensor.zeros(DType.F32, 0, D));
            in.put("labels", Tensor.zeros(DType.I64, 0));
        });
        assertRejected("--alpha must be in [0, 1]", in -> {}, "--alpha", "1.5");
        assertRejected("--mode must be topk or sample", in -> {}, "--mode", "best");
        // Only where CUDA is unavailable: a CUDA test earlier in this JVM may have let the CPU
        // emulator act as cuda:0 (io.weakpair.backend.cuda.CudaLossesCommandTest covers both cases).
        String emulator = System.clearProperty("weakpair.cuda.emulator");
        try {
            if (!Backends.cudaAvailable()) assertRejected("CUDA backend unavailable", in -> {}, "--device", "cuda");
        } finally {
            if (emulator != null) System.setProperty("weakpair.cuda.emulator", emulator);
        }
    }

    @Test
    void unreadableFilesAreClearErrors() throws IOException {
        Path output = dir.resolve("out.safetensors");
        CliRun missing =
                run("losses", "--input", dir.resolve("nope.safetensors").toString(), "--output", output.toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("input file not found"), missing.err());
        Path garbage = dir.resolve("garbage.safetensors");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
        CliRun bad = run("losses", "--input", garbage.toString(), "--output", output.toString());
        assertEquals(1, bad.code());
        assertEquals(1, bad.err().strip().lines().count(), bad.err());
        assertFalse(Files.exists(output));
        CliRun noArgs = run("losses");
        assertNotEquals(0, noArgs.code());
        assertTrue(noArgs.err().contains("--input"), noArgs.err());
    }
}
