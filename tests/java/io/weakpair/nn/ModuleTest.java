package io.weakpair.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.io.NamedTensors;
import io.weakpair.io.Safetensors;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.MemoryStats;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Module naming, lifetime, Linear and checkpoint loading/saving by name. */
class ModuleTest {
    @TempDir
    Path dir;

    /** A two-level model shaped like a transformer: blocks.{n}.fc1/fc2, a head, a scalar and a buffer. */
    static final class Block extends Module {
        final Linear fc1;
        final Linear fc2;

        Block(int width, InitContext ctx) {
            fc1 = registerModule("fc1", ctx, in -> new Linear(width, 2 * width, true, in));
            fc2 = registerModule("fc2", ctx, in -> new Linear(2 * width, width, true, in));
        }
    }

    static final class Toy extends Module {
        final ModuleList<Block> blocks;
        final Linear head;
        final Tensor temp;
        final Tensor steps;

        Toy(int width, int layers, long seed, DType dtype) {
            InitContext ctx = new InitContext(seed, dtype, Device.CPU);
            temp = registerParameter("temp", Tensor.scalar(0.07, dtype));
            blocks = registerList("blocks", layers, ctx, (i, in) -> new Block(width, in));
            head = registerModule("head", ctx, in -> new Linear(width, 3, false, in));
            steps = registerBuffer("steps", Tensor.ofLongs(new long[] {0}, 1));
        }
    }

    @Test
    void namesAreDottedLikePyTorchStateDicts() {
        try (Toy toy = new Toy(4, 2, 1, DType.F32)) {
            assertEquals(
                    List.of(
                            "temp",
                            "blocks.0.fc1.weight",
                            "blocks.0.fc1.bias",
                            "blocks.0.fc2.weight",
                            "blocks.0.fc2.bias",
                            "blocks.1.fc1.weight",
                            "blocks.1.fc1.bias",
                            "blocks.1.fc2.weight",
                            "blocks.1.fc2.bias",
                            "head.weight"),
                    List.copyOf(toy.namedParameters().keySet()));
            assertEquals(List.copyOf(toy.stateDict().keySet()).subList(0, 1), List.of("temp"));
            assertTrue(toy.stateDict().containsKey("steps"), "buffers are saved");
            assertFalse(toy.namedParameters().containsKey("steps"), "buffers are not trained");
            assertArrayEquals(
                    new int[] {8, 4},
                    toy.namedParameters().get("blocks.1.fc1.weight").shape(),
                    "Linear weight is [out, in]");
            long expected = 1 + 2 * (8 * 4 + 8 + 4 * 8 + 4) + 3 * 4;
            assertEquals(expected, toy.parameterCount());
            assertTrue(toy.parameterSummary().endsWith(expected + " parameters"));
        }
    }

    /**
     * A part built through registerModule / registerList / registerParameter with a context is
     * seeded by its registered name: the child of "head" draws from derive(seed, "head"), list item
     * i of "blocks" from derive(seed, "blocks.i"), a parameter "weight" from derive(seed', "weight").
     */
    @Test
    void registeredNamesAreTheSeedLabels() {
        long seed = 5;
        try (Toy toy = new Toy(4, 2, seed, DType.F64);
                Linear head =
                        new Linear(4, 3, false, new InitContext(Seeds.derive(seed, "head"), DType.F64, Device.CPU));
                Linear fc2 = new Linear(
                        8,
                        4,
                        true,
                        new InitContext(Seeds.derive(Seeds.derive(seed, "blocks.1"), "fc2"), DType.F64, Device.CPU));
                Linear other = new Linear(
                        8, 4, true, new InitContext(Seeds.derive(seed, "blocks.1"), DType.F64, Device.CPU))) {
            assertArrayEquals(head.weight().toDoubleArray(), toy.head.weight().toDoubleArray());
            assertArrayEquals(
                    fc2.weight().toDoubleArray(), toy.blocks.get(1).fc2.weight().toDoubleArray());
            assertArrayEquals(
                    fc2.bias().toDoubleArray(), toy.blocks.get(1).fc2.bias().toDoubleArray());
            assertFalse(
                    java.util.Arrays.equals(
                            other.weight().toDoubleArray(),
                            toy.blocks.get(1).fc2.weight().toDoubleArray()),
                    "a part one level up draws other values");
            double[] w = Init.normal(1)
                    .create(Seeds.derive(seed, "weight"), DType.F64, Device.CPU, 2, 3)
                    .toDoubleArray();
            assertArrayEquals(
                    w,
                    new InitContext(seed, DType.F64, Device.CPU)
                            .create("weight", Init.normal(1), 2, 3)
                            .toDoubleArray());
        }
        assertThrows(IllegalArgumentException.class, () -> new InitContext(1, DType.I32, Device.CPU));
    }

    @Test
    void parametersAreGradLeavesOwnedByTheModuleNotTheScope() {
        Toy toy;
        try (Scope s = Scope.open()) {
            toy = new Toy(3, 1, 5, DType.F32);
        }
        try (toy) {
            for (Map.Entry<String, Tensor> e : toy.namedParameters().entrySet()) {
                Tensor p = e.getValue();
                assertFalse(p.isClosed(), e.getKey() + " survives the scope it was built in");
                assertTrue(p.requiresGrad() && p.isLeaf(), e.getKey());
            }
            assertFalse(toy.steps.isClosed());
            assertFalse(toy.steps.requiresGrad());
        }
    }

    @Test
    void tiedWeightsAreTrainedOnceButSavedUnderEachName() {
        final class Tied extends Module {
            Tied() {
                Linear a = registerModule("encoder", new Linear(3, 3, false, 1));
                registerModule("decoder", new Shared(a.weight()));
            }
        }
        try (Tied t = new Tied()) {
            assertEquals(
                    List.of("encoder.weight"), List.copyOf(t.namedParameters().keySet()));
            assertEquals(9, t.parameterCount());
            assertEquals(
                    List.of("encoder.weight", "decoder.weight"),
                    List.copyOf(t.stateDict().keySet()));
            assertSame(t.stateDict().get("encoder.weight"), t.stateDict().get("decoder.weight"));
        }
    }

    /** Holds a tensor owned elsewhere (a tied weight). */
    static final class Shared extends Module {
        Shared(Tensor w) {
            registerParameter("weight", w);
        }

        @Override
        public void close() {} // the owner closes the tensor
    }

    @Test
    void closeFreesParametersGradientsAndBuffers() {
        long before = MemoryStats.liveStorages(Device.Kind.CPU);
        Toy toy = new Toy(4, 2, 3, DType.F64);
        try (Scope s = Scope.open()) {
            Tensor x = Tensor.randn(9, 1, DType.F64, Device.CPU, 5, 4);
            Autograd.backward(F.sum(toy.head.forward(
                    toy.blocks.get(0).fc2.forward(F.gelu(toy.blocks.get(0).fc1.forward(x))))));
        }
        assertNotNull(toy.head.weight().grad());
        assertTrue(MemoryStats.liveStorages(Device.Kind.CPU) > before);
        toy.close();
        toy.close(); // idempotent
        assertEquals(before, MemoryStats.liveStorages(Device.Kind.CPU), "nothing of the model remains");
        assertTrue(toy.isClosed());
        assertThrows(IllegalStateException.class, toy::namedParameters);
        assertThrows(IllegalStateException.class, () -> toy.head.forward(Tensor.zeros(DType.F64, 1, 4)));
    }

    @Test
    void zeroGradAndTrainEvalReachEveryDescendant() {
        try (Toy toy = new Toy(2, 2, 4, DType.F64);
                Scope s = Scope.open()) {
            Tensor x = Tensor.randn(1, 1, DType.F64, Device.CPU, 3, 2);
            Tensor h = x;
            for (Block b : toy.blocks) h = b.fc2.forward(F.gelu(b.fc1.forward(h)));
            Autograd.backward(F.sum(F.mul(toy.head.forward(h), toy.temp)));
            for (Map.Entry<String, Tensor> e : toy.namedParameters().entrySet())
                assertNotNull(e.getValue().grad(), e.getKey());
            toy.zeroGrad();
            for (Map.Entry<String, Tensor> e : toy.namedParameters().entrySet())
                assertNull(e.getValue().grad(), e.getKey());
            assertTrue(toy.blocks.get(1).fc1.isTraining());
            toy.eval();
            assertFalse(toy.blocks.get(1).fc1.isTraining());
            assertFalse(toy.isTraining());
            toy.train(true);
            assertTrue(toy.head.isTraining());
        }
    }

    @Test
    void linearInitialisationIsDeterministicAndBounded() {
        try (Linear a = new Linear(50, 7, true, 42);
                Linear b = new Linear(50, 7, true, 42);
                Linear c = new Linear(50, 7, true, 43)) {
            assertArrayEquals(a.weight().toFloatArray(), b.weight().toFloatArray());
            assertArrayEquals(a.bias().toFloatArray(), b.bias().toFloatArray());
            assertFalse(java.util.Arrays.equals(
                    a.weight().toFloatArray(), c.weight().toFloatArray()));
            assertFalse(
                    java.util.Arrays.equals(a.weight().toFloatArray(), a.bias().toFloatArray()),
                    "weight and bias draw from different streams");
            double bound = 1 / Math.sqrt(50), maxAbs = 0, sumSq = 0;
            for (float w : a.weight().toFloatArray()) {
                maxAbs = Math.max(maxAbs, Math.abs(w));
                sumSq += w * w;
            }
            assertTrue(maxAbs <= bound, "PyTorch's default bound 1/sqrt(in)");
            double std = Math.sqrt(sumSq / 350);
            assertEquals(bound / Math.sqrt(3), std, 0.15 * bound, "uniform(-b, b) has std b/sqrt(3)");
        }
        try (Linear n = new Linear(
                64, 64, true, new InitContext(1, DType.F64, Device.CPU), Init.truncatedNormal(0.02), Init.zeros())) {
            double maxAbs = 0;
            for (double w : n.weight().toDoubleArray()) maxAbs = Math.max(maxAbs, Math.abs(w));
            assertTrue(maxAbs <= 0.04 && maxAbs > 0.02, "truncated at two standard deviations: " + maxAbs);
            for (double v : n.bias().toDoubleArray()) assertEquals(0, v);
        }
    }

    @Test
    void linearComputesXWTransposePlusBias() {
        try (Linear l = new Linear(3, 2, true, new InitContext(7, DType.F64, Device.CPU));
                Scope s = Scope.open()) {
            double[] w = l.weight().toDoubleArray(), b = l.bias().toDoubleArray();
            double[] x = {1, -2, 0.5, 3, 0, -1};
            double[] y = l.forward(Tensor.of(x, 2, 3)).toDoubleArray();
            for (int r = 0; r < 2; r++)
                for (int o = 0; o < 2; o++) {
                    double expect = b[o];
                    for (int i = 0; i < 3; i++) expect += x[r * 3 + i] * w[o * 3 + i];
                    assertEquals(expect, y[r * 2 + o], 1e-12);
                }
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> l.forward(Tensor.zeros(DType.F64, 2, 4)));
            assertTrue(
                    e.getMessage().contains("Linear(3 -> 2)") && e.getMessage().contains("[2, 4]"), e.getMessage());
        }
        try (Linear noBias = new Linear(3, 2, false, 7)) {
            assertNull(noBias.bias());
            assertEquals(List.of("weight"), List.copyOf(noBias.namedParameters().keySet()));
        }
        assertThrows(IllegalArgumentException.class, () -> new Linear(0, 2, true, 1));
    }

    @Test
    void registrationMisuseIsReported() {
        final class Bad extends Module {
            void add(String name, Tensor t) {
                registerParameter(name, t);
            }
        }
        try (Bad m = new Bad();
                Scope s = Scope.open()) {
            m.add("w", Tensor.zeros(DType.F32, 2));
            assertThrows(IllegalArgumentException.class, () -> m.add("w", Tensor.zeros(DType.F32, 2)), "duplicate");
            assertThrows(IllegalArgumentException.class, () -> m.add("a.b", Tensor.zeros(DType.F32, 2)), "dotted");
            assertThrows(IllegalArgumentException.class, () -> m.add("", Tensor.zeros(DType.F32, 2)), "empty");
            assertThrows(
                    IllegalArgumentException.class, () -> m.add("ids", Tensor.ofInts(new int[] {1}, 1)), "integer");
            Tensor leaf = Tensor.zeros(DType.F32, 2).requiresGrad(true);
            assertThrows(IllegalArgumentException.class, () -> m.add("derived", F.scale(leaf, 2)), "not a leaf");
        }
    }

    // ------------------------------------------------------------------ checkpoints

    @Test
    void saveThenLoadRestoresEveryValue() throws IOException {
        Path file = dir.resolve("toy.safetensors");
        try (Toy a = new Toy(4, 2, 1, DType.F32);
                Toy b = new Toy(4, 2, 2, DType.F32)) {
            a.steps.backend().fill(a.steps, 17);
            a.save(file, Map.of("config", "width=4,layers=2"));
            assertFalse(java.util.Arrays.equals(
                    a.head.weight().toFloatArray(), b.head.weight().toFloatArray()));
            StateDicts.LoadReport r = b.load(file, true);
            assertTrue(r.isComplete());
            assertEquals("width=4,layers=2", r.metadata().get("config"));
            for (String name : a.stateDict().keySet())
                assertArrayEquals(
                        a.stateDict().get(name).toDoubleArray(),
                        b.stateDict().get(name).toDoubleArray(),
                        name);
        }
    }

    @Test
    void loadConvertsDTypes() throws IOException {
        Path file = dir.resolve("f32.safetensors");
        try (Toy a = new Toy(3, 1, 1, DType.F32);
                Toy b = new Toy(3, 1, 2, DType.F64)) {
            a.save(file, Map.of());
            b.load(file, true);
            assertEquals(DType.F64, b.head.weight().dtype());
            float[] expect = a.head.weight().toFloatArray();
            double[] got = b.head.weight().toDoubleArray();
            for (int i = 0; i < expect.length; i++) assertEquals(expect[i], got[i], 0);
        }
    }

    @Test
    void missingAndUnexpectedNamesAreReportedByName() throws IOException {
        Path file = dir.resolve("partial.safetensors");
        try (Toy a = new Toy(4, 2, 1, DType.F32);
                Toy b = new Toy(4, 2, 2, DType.F32)) {
            Map<String, Tensor> partial = new LinkedHashMap<>(a.stateDict());
            partial.remove("blocks.1.fc2.bias");
            partial.put("text_encoder.bert.embeddings.position_ids", Tensor.ofLongs(new long[] {0, 1, 2}, 1, 3));
            Safetensors.write(file, partial, Map.of());

            float[] untouched = b.blocks.get(1).fc2.bias().toFloatArray();
            float[] headBefore = b.head.weight().toFloatArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.load(file, true));
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("missing from the file: [blocks.1.fc2.bias F32[4]]"), e.getMessage());
            assertTrue(
                    e.getMessage()
                            .contains("unexpected in the file: [text_encoder.bert.embeddings.position_ids I64[1, 3]]"),
                    e.getMessage());
            assertArrayEquals(headBefore, b.head.weight().toFloatArray(), "a refused load changes nothing");

            StateDicts.LoadReport r = b.load(file, false);
            assertEquals(List.of("blocks.1.fc2.bias"), r.missing());
            assertEquals(List.of("text_encoder.bert.embeddings.position_ids"), r.unexpected());
            assertFalse(r.isComplete());
            assertArrayEquals(untouched, b.blocks.get(1).fc2.bias().toFloatArray(), "missing ones keep their values");
            assertArrayEquals(a.head.weight().toFloatArray(), b.head.weight().toFloatArray(), "the rest is loaded");
        }
    }

    @Test
    void shapeMismatchNamesTheTensorAndBothShapesEvenWhenNotStrict() throws IOException {
        Path file = dir.resolve("wide.safetensors");
        try (Toy wide = new Toy(6, 1, 1, DType.F32);
                Toy narrow = new Toy(4, 1, 1, DType.F32)) {
            wide.save(file, Map.of());
            float[] before = narrow.head.weight().toFloatArray();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> narrow.load(file, false));
            assertTrue(
                    e.getMessage()
                            .contains("'blocks.0.fc1.weight' has shape [12, 6] in the file but [8, 4] in the model"),
                    e.getMessage());
            assertTrue(
                    e.getMessage().contains("'head.weight' has shape [3, 6] in the file but [3, 4] in the model"),
                    e.getMessage());
            assertArrayEquals(before, narrow.head.weight().toFloatArray());
        }
    }

    @Test
    void integerFileTensorIntoFloatParameterIsRefused() throws IOException {
        Path file = dir.resolve("ints.safetensors");
        try (Linear l = new Linear(2, 1, false, 1)) {
            Safetensors.write(file, Map.of("weight", Tensor.ofInts(new int[] {1, 2}, 1, 2)), Map.of());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> l.load(file, true));
            assertTrue(e.getMessage().contains("'weight' is I32 in the file but F32 in the model"), e.getMessage());
        }
    }

    @Test
    void savedFilesReadBackAsPlainSafetensors() throws IOException {
        Path file = dir.resolve("lin.safetensors");
        try (Linear l = new Linear(3, 2, true, 9)) {
            l.save(file, null);
            try (NamedTensors t = Safetensors.read(file)) {
                assertEquals(List.of("weight", "bias"), List.copyOf(t.tensors().keySet()));
                assertArrayEquals(l.weight().toFloatArray(), t.get("weight").toFloatArray());
            }
        }
    }
}
