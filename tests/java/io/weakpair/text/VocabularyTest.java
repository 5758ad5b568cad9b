package io.weakpair.text;

import static io.weakpair.testing.Misuse.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vocab.txt reading (id = line number, CRLF, empty and duplicate lines, errors) and writing. */
class VocabularyTest {
    private static final String SPECIALS = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n";

    @TempDir
    Path tmp;

    @Test
    void idIsTheLineNumber() throws IOException {
        Vocabulary v = Vocabulary.read(
                VocabFixtures.lines(tmp, "hello", "[SEP]", "[MASK]", "[CLS]", "world", "[PAD]", "[UNK]"));
        assertEquals(7, v.size());
        assertEquals(0, v.id("hello"));
        assertEquals(4, v.id("world"));
        assertEquals("world", v.token(4));
        assertEquals(List.of(5, 6, 3, 1, 2), List.of(v.padId(), v.unkId(), v.clsId(), v.sepId(), v.maskId()));
        assertEquals(-1, v.id("absent"));
    }

    @Test
    void crlfLinesAndAMissingFinalNewline() throws IOException {
        Path file = VocabFixtures.write(tmp, "vocab.txt", SPECIALS.replace("\n", "\r\n") + "hello\r\nworld");
        Vocabulary v = Vocabulary.read(file);
        assertEquals(7, v.size());
        assertEquals("hello", v.token(5));
        assertEquals("world", v.token(6));
        assertEquals(0, v.padId());
        assertEquals(4, v.maskId());
    }

    @Test
    void emptyLinesAreTokens() throws IOException {
        Vocabulary v =
                Vocabulary.read(VocabFixtures.write(tmp, "vocab.txt", "[PAD]\n\n[UNK]\n[CLS]\n[SEP]\n[MASK]\n\n"));
        assertEquals(7, v.size());
        assertEquals("", v.token(1));
        assertEquals("", v.token(6));
        assertEquals(1, v.id(""));
        assertEquals(2, v.unkId());
    }

    @Test
    void theFirstOfDuplicateTokensWins() throws IOException {
        Vocabulary v =
                Vocabulary.read(VocabFixtures.write(tmp, "vocab.txt", SPECIALS + "hello\nhello\n[UNK]\nworld\n"));
        assertEquals(9, v.size());
        assertEquals(5, v.id("hello"));
        assertEquals("hello", v.token(6));
        assertEquals(1, v.unkId());
        assertEquals("[UNK]", v.token(7));
        assertEquals(8, v.id("world"));
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstToken() throws IOException {
        Vocabulary v = Vocabulary.read(VocabFixtures.write(tmp, "vocab.txt", "\uFEFF" + SPECIALS));
        assertEquals("[PAD]", v.token(0));
        assertEquals(0, v.padId());
    }

    @Test
    void aMissingSpecialTokenNamesTheTokenAndTheFile() {
        for (String special : Vocabulary.SPECIAL_TOKENS) {
            Path file = VocabFixtures.write(
                    tmp,
                    "no" + special.replaceAll("\\W", "") + ".txt",
                    SPECIALS.replace(special + "\n", "") + "hello\n");
            rejects(() -> Vocabulary.read(file), special, file.toString());
        }
        rejects(() -> Vocabulary.of(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]")), "[MASK]", "token list");
    }

    @Test
    void fileErrorsNameTheFile() throws IOException {
        Path missing = tmp.resolve("missing/vocab.txt");
        IOException e = assertThrows(NoSuchFileException.class, () -> Vocabulary.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());

        Path dir = Files.createDirectory(tmp.resolve("a-directory"));
        e = assertThrows(IOException.class, () -> Vocabulary.read(dir));
        assertTrue(
                e.getMessage().contains(dir.toString()) && e.getMessage().contains("not a regular file"),
                e.getMessage());

        Path empty = VocabFixtures.write(tmp, "empty.txt", "");
        rejects(() -> Vocabulary.read(empty), "empty", empty.toString());

        byte[] latin1 = (SPECIALS + "caf\u00E9\n").getBytes(StandardCharsets.ISO_8859_1); // é as the lone byte 0xE9
        Path notUtf8 = VocabFixtures.writeBytes(tmp, "latin1.txt", latin1);
        rejects(() -> Vocabulary.read(notUtf8), notUtf8.toString(), "line 6", "UTF-8");

        rejects(() -> Vocabulary.read(null), "null");
    }

    @Test
    void ofUsesIndicesAndCopiesTheList() {
        List<String> tokens = new ArrayList<>(VocabFixtures.bertLayout("red"));
        Vocabulary v = Vocabulary.of(tokens);
        tokens.set(104, "blue");
        assertEquals(104, v.id("red"));
        assertEquals(-1, v.id("blue"));
        assertEquals(105, v.size());
    }

    @Test
    void misuseOfOfAndLookups() {
        Vocabulary v = Vocabulary.of(VocabFixtures.bertLayout());
        rejects(() -> v.token(-1), "-1", "out of range");
        rejects(() -> v.token(v.size()), String.valueOf(v.size()), "out of range");
        rejects(() -> v.id(null), "null");
        rejects(() -> Vocabulary.of(null), "null");
        List<String> withNull = new ArrayList<>(VocabFixtures.bertLayout());
        withNull.add(null);
        rejects(() -> Vocabulary.of(withNull), "token 104 is null");
        rejects(() -> Vocabulary.of(VocabFixtures.bertLayout("two\nlines")), "token 104", "line break");
        rejects(() -> Vocabulary.of(VocabFixtures.bertLayout("cr\r")), "token 104", "line break");
        rejects(() -> Vocabulary.of(VocabFixtures.bertLayout("bad\uD800")), "token 104", "surrogate");
    }

    @Test
    void writeThenReadIsIdentical() throws IOException {
        List<String> tokens = new ArrayList<>(VocabFixtures.bertLayout(
                "red", "", "##é", "我", Character.toString(0x20000), "red", "a\rb", " spaced "));
        Vocabulary v = Vocabulary.of(tokens);
        Path file = tmp.resolve("out/vocab.txt"); // the folder is created
        v.write(file);
        Vocabulary back = Vocabulary.read(file);
        assertEquals(v, back);
        assertEquals(tokens.size(), back.size());
        for (int i = 0; i < tokens.size(); i++) assertEquals(tokens.get(i), back.token(i), "id " + i);
        assertEquals(104, back.id("red"));
        assertArrayEquals(
                (String.join("\n", tokens) + "\n").getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path file = VocabFixtures.write(tmp, "vocab.txt", "old content\n");
        Vocabulary v = Vocabulary.of(VocabFixtures.bertLayout("new"));
        v.write(file);
        assertEquals(v, Vocabulary.read(file));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(
                    List.of(file.getFileName().toString()),
                    files.map(p -> p.getFileName().toString()).toList());
        }
    }
}
