package io.weakpair.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.GradMode;
import io.weakpair.io.Safetensors;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.CliRun;
import io.weakpair.testing.ScopePerTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code weakpair init} and {@code weakpair embed}: the contract's outputs, and each malformed input one error line, no file. */
@ExtendWith(ScopePerTest.class)
class EmbedCommandTest {
    @TempDir
    static Path dir;

    static Path ck;
    static ModelConfig config;

    @BeforeAll
    static void initCheckpoint() throws IOException {
        ck = dir.resolve("tiny.safetensors");
        CliRun r = CliRun.run("init", "--preset", "tiny", "--out", ck.toString(), "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("parameters"), r.out());
        config = ModelCheckpoint.readConfig(ck);
        assertEquals("tiny", config.preset());
    }

    private Map<String, Tensor> input(int b, int t, int l) {
        Map<String, Tensor> in = new HashMap<>();
        in.put(
                "pixel_values",
                Tensor.randn(1, 1, DType.F32, Device.CPU, b, 3, config.imageHeight(), config.imageWidth()));
        Tensor[] text = ModelFixtures.text(2, config, t, l);
        in.put("input_ids", text[0].toDType(DType.I64));
        in.put("attention_mask", text[1]);
        in.put("itm_pairs", Tensor.ofLongs(new long[] {0, 0, 1, 2, 2, 1}, 3, 2));
        return in;
    }

    private Path write(String name, Map<String, Tensor> tensors) throws IOException {
        Path p = dir.resolve(name + ".safetensors");
        Safetensors.write(p, tensors, Map.of());
        return p;
    }

    @Test
    void writesTheContractsTensorsEqualToTheModelsOwn() throws IOException {
        Map<String, Tensor> in = input(3, 4, 9);
        Path out = dir.resolve("out.safetensors");
        CliRun r = CliRun.run(
                "embed",
                "--checkpoint",
                ck.toString(),
                "--input",
                write("in", in).toString(),
                "--output",
                out.toString(),
                "--device",
                "cpu");
        assertEquals(0, r.code(), r.err());
        Map<String, Tensor> got = Safetensors.read(out).tensors();
        assertArrayEquals(
                new int[] {3, config.embedDim()}, got.get("image_feat").shape());
        assertArrayEquals(new int[] {4, config.embedDim()}, got.get("text_feat").shape());
        assertArrayEquals(
                new int[] {3, config.visionWidth()}, got.get("image_cls").shape());
        assertArrayEquals(new int[] {4, config.textWidth()}, got.get("text_cls").shape());
        assertArrayEquals(new int[] {3, 2}, got.get("itm_logits").shape());
        float[] f = got.get("image_feat").toFloatArray();
        for (int i = 0; i < 3; i++) {
            double n = 0;
            for (int j = 0; j < config.embedDim(); j++)
                n += f[i * config.embedDim() + j] * f[i * config.embedDim() + j];
            assertEquals(1.0, n, 1e-5, "image_feat rows are unit vectors");
        }
        // The pair (image 2, text 1) computed directly with the model.
        try (AlbefModel m = ModelCheckpoint.load(ck, Device.CPU);
                GradMode off = GradMode.off()) {
            m.eval();
            Tensor ids = in.get("input_ids").toDType(DType.I32), mask = in.get("attention_mask");
            Tensor img = m.encodeImages(F.slice(in.get("pixel_values"), 0, 2, 3));
            Tensor txt =
                    m.encodeText(F.slice(ids, 0, 1, 2), F.slice(mask, 0, 1, 2).contiguous());
            float[] logits = m.itmLogits(m.fuse(txt, F.slice(mask, 0, 1, 2).contiguous(), img))
                    .toFloatArray();
            float[] written = got.get("itm_logits").toFloatArray();
            assertEquals(logits[0], written[4], 1e-5);
            assertEquals(logits[1], written[5], 1e-5);
        }
    }

    @Test
    void malformedInputIsOneErrorLineAndNoOutput() throws IOException {
        check("missing tensor", mutate(in -> in.remove("attention_mask")), "missing tensor 'attention_mask'");
        check(
                "wrong dtype",
                mutate(in -> in.put("pixel_values", in.get("pixel_values").toDType(DType.F64))),
                "pixel_values must be F32");
        check(
                "wrong rank",
                mutate(in -> in.put("input_ids", Tensor.zeros(DType.I64, 4))),
                "input_ids must have 2 dimensions");
        check(
                "id out of vocabulary",
                mutate(in -> in.put("input_ids", Tensor.full(config.vocabSize(), DType.I64, Device.CPU, 4, 9))),
                "outside the vocabulary");
        check(
                "pair out of range",
                mutate(in -> in.put("itm_pairs", Tensor.ofInts(new int[] {3, 0}, 1, 2))),
                "image index 3");
        check(
                "text pair out of range",
                mutate(in -> in.put("itm_pairs", Tensor.ofInts(new int[] {0, -1}, 1, 2))),
                "text index -1");
        check(
                "image size",
                mutate(in -> in.put("pixel_values", Tensor.zeros(DType.F32, 1, 3, 64, 48))),
                "takes 128x48 images");
        check(
                "mask values",
                mutate(in -> in.put("attention_mask", Tensor.full(2, DType.I32, Device.CPU, 4, 9))),
                "expected 0 or 1");
        check(
                "mask shape",
                mutate(in -> in.put("attention_mask", Tensor.ones(DType.I32, Device.CPU, 4, 8))),
                "must have the shape of input_ids");
        check(
                "NaN pixels",
                mutate(in -> in.put("pixel_values", Tensor.full(Double.NaN, DType.F32, Device.CPU, 1, 3, 128, 48))),
                "NaN");
    }

    @Test
    void badFilesAndOptionsAreOneLine() throws IOException {
        Path out = dir.resolve("never.safetensors");
        Path in = write("ok", input(1, 1, 5));
        assertOneLine(
                CliRun.run(
                        "embed",
                        "--checkpoint",
                        dir.resolve("nope.safetensors").toString(),
                        "--input",
                        in.toString(),
                        "--output",
                        out.toString()),
                "not found");
        assertOneLine(
                CliRun.run(
                        "embed", "--checkpoint", in.toString(), "--input", in.toString(), "--output", out.toString()),
                "not a weakpair model checkpoint");
        assertOneLine(
                CliRun.run("embed", "--checkpoint", ck.toString(), "--input", in.toString(), "--output", in.toString()),
                "same file as --input",
                2);
        assertOneLine(
                CliRun.run(
                        "embed", "--checkpoint", ck.toString(), "--input", in.toString(), "--output", dir.toString()),
                "is a directory");
        assertOneLine(
                CliRun.run("init", "--preset", "huge", "--out", out.toString()), "unknown model preset 'huge'", 2);
        assertOneLine(
                CliRun.run(
                        "embed",
                        "--checkpoint",
                        ck.toString(),
                        "--input",
                        in.toString(),
                        "--output",
                        out.toString(),
                        "--device",
                        "gpu"),
                "gpu",
                2);
        assertFalse(Files.exists(out));
    }

    @Test
    void filesModeReadsImagesAndCaptionsWithTheModelsPreprocessingAndVocabulary() throws IOException {
        Path vocab = dir.resolve("vocab.txt");
        Files.write(
                vocab,
                java.util.List.of(
                        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "man", "in", "red", "coat", "##s"));
        Path ckv = dir.resolve("withvocab.safetensors");
        CliRun init = CliRun.run("init", "--preset", "tiny", "--out", ckv.toString(), "--vocab", vocab.toString());
        assertEquals(0, init.code(), init.err());
        assertEquals(11, ModelCheckpoint.readConfig(ckv).vocabSize(), "the vocabulary sets the table size");
        assertTrue(Files.isRegularFile(ModelCheckpoint.vocabularyPath(ckv)));
        Path images = Files.createDirectories(dir.resolve("gallery/sub"));
        for (int i = 0; i < 3; i++) {
            java.awt.image.BufferedImage img =
                    new java.awt.image.BufferedImage(40 + i, 90, java.awt.image.BufferedImage.TYPE_INT_RGB);
            img.setRGB(i, i, 0xff0000);
            javax.imageio.ImageIO.write(
                    img, "png", images.resolve("p" + i + ".png").toFile());
        }
        Path captions = dir.resolve("captions.txt");
        Files.writeString(captions, "a man in a red coat\n\nA MAN IN RED COATS\n");
        Path out = dir.resolve("files.safetensors");
        CliRun r = CliRun.run(
                "embed",
                "--checkpoint",
                ckv.toString(),
                "--images",
                dir.resolve("gallery").toString(),
                "--captions",
                captions.toString(),
                "--output",
                out.toString(),
                "--device",
                "cpu");
        assertEquals(0, r.code(), r.err());
        Map<String, Tensor> got = Safetensors.read(out).tensors();
        assertArrayEquals(new int[] {3, 128}, got.get("image_feat").shape());
        assertArrayEquals(new int[] {2, 128}, got.get("text_feat").shape(), "blank lines are not captions");
        // Upper case and the "##s" piece tokenise to the same ids but one more token: the features differ.
        float[] t = got.get("text_feat").toFloatArray();
        assertTrue(t[0] != t[128], "different token sequences give different features");
        assertOneLine(
                CliRun.run(
                        "embed",
                        "--checkpoint",
                        ck.toString(),
                        "--images",
                        images.toString(),
                        "--captions",
                        captions.toString(),
                        "--output",
                        out.toString()),
                "no vocabulary beside it");
    }

    private interface Mutation {
        void apply(Map<String, Tensor> in);
    }

    private Map<String, Tensor> mutate(Mutation m) {
        Map<String, Tensor> in = input(1, 4, 9);
        in.put("itm_pairs", Tensor.ofInts(new int[] {0, 0}, 1, 2));
        m.apply(in);
        return in;
    }

    private void check(String name, Map<String, Tensor> in, String fragment) throws IOException {
        Path out = dir.resolve("bad-" + name.replace(' ', '-') + ".safetensors");
        CliRun r = CliRun.run(
                "embed",
                "--checkpoint",
                ck.toString(),
                "--input",
                write("in-" + name.replace(' ', '-'), in).toString(),
                "--output",
                out.toString(),
                "--device",
                "cpu");
        assertOneLine(r, fragment);
        assertFalse(Files.exists(out), name + ": no output file");
    }

    private static void assertOneLine(CliRun r, String fragment) {
        assertOneLine(r, fragment, 1);
    }

    /** Exit code 1 for a failure while running, 2 for bad usage (the README's rule). */
    private static void assertOneLine(CliRun r, String fragment, int code) {
        assertEquals(code, r.code(), r.err());
        assertTrue(r.err().contains(fragment), "'" + fragment + "' not in: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    }
}
