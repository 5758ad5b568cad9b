package io.weakpair.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Hand-made vocab.txt files for the text tests (the repository has no test resources folder). */
final class VocabFixtures {
    private VocabFixtures() {}

    /** Writes {@code content} to {@code dir/name} as UTF-8, byte for byte. */
    static Path write(Path dir, String name, String content) {
        return writeBytes(dir, name, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path writeBytes(Path dir, String name, byte[] content) {
        try {
            Path p = dir.resolve(name);
            Files.write(p, content);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one token per line ("\n" after each) to {@code dir/vocab.txt}. */
    static Path lines(Path dir, String... tokens) {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) sb.append(t).append('\n');
        return write(dir, "vocab.txt", sb.toString());
    }

    /**
     * The first 104 lines of bert-base-uncased's vocab.txt ([PAD], [unused0]..[unused98], [UNK],
     * [CLS], [SEP], [MASK]) followed by {@code words}: the special ids of the real file.
     */
    static List<String> bertLayout(String... words) {
        List<String> tokens = new ArrayList<>();
        tokens.add("[PAD]");
        for (int i = 0; i < 99; i++) tokens.add("[unused" + i + "]");
        tokens.addAll(List.of("[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        tokens.addAll(List.of(words));
        return tokens;
    }
}
