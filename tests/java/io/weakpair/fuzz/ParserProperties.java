package io.weakpair.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.data.DataException;
import io.weakpair.data.DatasetReader;
import io.weakpair.io.NamedTensors;
import io.weakpair.io.Safetensors;
import io.weakpair.testing.CliRun;
import io.weakpair.text.Vocabulary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The readers of outside files on mutated seeds (tests/fuzz-corpus), run in a child JVM by
 * {@link ParserFuzzTest}. Each input must parse or fail with the reader's own exception:
 * <ul>
 * <li>safetensors ({@code Safetensors.read}): an IOException (SafetensorsFormatException for a bad file);</li>
 * <li>the dataset JSON of CUHK-PEDES, ICFG-PEDES and RSTPReid ({@code DatasetReader.read}): a DataException;</li>
 * <li>the {@code losses} command's input: exit code 1 with one error line whose cause is an
 *     IOException or an IllegalArgumentException (a checked input), never another type;</li>
 * <li>the tokenizer's vocab.txt ({@code Vocabulary.read}): an IOException or an IllegalArgumentException.</li>
 * </ul>
 * Anything else (NullPointerException, ArithmeticException, NegativeArraySizeException,
 * OutOfMemoryError, an index error) fails the property; a hang fails the parent's time limit.
 */
public class ParserProperties {
    private final Path work;

    public ParserProperties() {
        try {
            work = Files.createDirectories(Path.of("target", "fuzz", "parser-inputs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Property
    void safetensorsReadsOrRefuses(@ForAll("safetensors") byte[] input) throws IOException {
        Path file = write("input.safetensors", input);
        try (NamedTensors t = Safetensors.read(file)) {
            for (var e : t.tensors().entrySet()) e.getValue().numel();
        } catch (IOException expected) {
            assertTrue(
                    expected.getMessage() != null && !expected.getMessage().isBlank(),
                    "an IOException without a message");
        }
    }

    @Property
    void cuhkPedesReadsOrRefuses(@ForAll("cuhk") byte[] input) throws IOException {
        dataset("reid_raw.json", input);
    }

    @Property
    void icfgPedesReadsOrRefuses(@ForAll("icfg") byte[] input) throws IOException {
        dataset("ICFG-PEDES.json", input);
    }

    @Property
    void rstpReidReadsOrRefuses(@ForAll("rstp") byte[] input) throws IOException {
        dataset("data_captions.json", input);
    }

    private void dataset(String annotationFile, byte[] input) throws IOException {
        Path root = work.resolve("dataset-" + annotationFile.replace('.', '-'));
        Files.createDirectories(root.resolve("imgs"));
        Files.write(root.resolve(annotationFile), input);
        try {
            DatasetReader.read(root);
        } catch (DataException expected) {
            assertTrue(
                    expected.getMessage() != null && !expected.getMessage().isBlank(),
                    "a DataException without a message");
        }
    }

    @Property
    void lossesInputComputesOrRefuses(@ForAll("losses") byte[] input) throws IOException {
        Path in = write("losses-in.safetensors", input), out = work.resolve("losses-out.safetensors");
        CliRun run = CliRun.run(
                Map.of("WEAKPAIR_DEBUG", "1"), "losses", "--input", in.toString(), "--output", out.toString());
        if (run.code() == 0) return;
        String[] lines = run.err().split("\n");
        assertTrue(
                run.code() == 1 && lines.length >= 2 && lines[0].startsWith("weakpair losses: error: "),
                "exit code " + run.code() + ", stderr:\n" + run.err());
        String type = lines[1].split("[: ]", 2)[0];
        Class<?> thrown;
        try {
            thrown = Class.forName(type);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("cannot tell the exception type from stderr:\n" + run.err());
        }
        assertTrue(
                IOException.class.isAssignableFrom(thrown) || IllegalArgumentException.class.isAssignableFrom(thrown),
                "losses failed with an unexpected " + type + ":\n" + run.err());
    }

    @Property
    void vocabularyReadsOrRefuses(@ForAll("vocab") byte[] input) throws IOException {
        Path file = write("vocab.txt", input);
        try {
            Vocabulary v = Vocabulary.read(file);
            assertTrue(v.size() >= Vocabulary.SPECIAL_TOKENS.size());
        } catch (IOException | IllegalArgumentException expected) {
            assertTrue(expected.getMessage() != null && !expected.getMessage().isBlank(), "refused without a message");
        }
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = work.resolve(name);
        Files.createDirectories(p.getParent());
        return Files.write(p, bytes);
    }

    private static Arbitrary<byte[]> mutated(String folder) {
        return Combinators.combine(Arbitraries.of(Mutator.seeds(folder)), Arbitraries.longs())
                .as(Mutator::mutate);
    }

    @Provide
    Arbitrary<byte[]> safetensors() {
        return mutated("safetensors");
    }

    @Provide
    Arbitrary<byte[]> losses() {
        return mutated("losses");
    }

    @Provide
    Arbitrary<byte[]> cuhk() {
        return mutated("cuhk-pedes");
    }

    @Provide
    Arbitrary<byte[]> icfg() {
        return mutated("icfg-pedes");
    }

    @Provide
    Arbitrary<byte[]> rstp() {
        return mutated("rstpreid");
    }

    @Provide
    Arbitrary<byte[]> vocab() {
        return mutated("vocab");
    }
}
