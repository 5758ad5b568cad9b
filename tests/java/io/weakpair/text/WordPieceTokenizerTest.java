package io.weakpair.text;

import static io.weakpair.testing.Misuse.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * WordPiece on a hand-made vocab.txt whose special tokens sit at unusual lines (so hard-coded
 * ids would fail), with the expected pieces derived from BERT's published rules; then encoding:
 * [CLS]/[SEP], truncation, padding, mask and batches.
 */
class WordPieceTokenizerTest {
    private static final String GOTHIC_A = Character.toString(0x10330); // a letter outside the BMP, no case
    private static final String CJK_EXT_B = Character.toString(0x20000);

    /** The vocabulary, line by line (id = index); BERT's own unit-test words plus ours. */
    private static final String[] VOCAB = {
        "want", "[UNK]", "##want", "##ed", "[CLS]", "wa", "un", "runn", "##ing", "[SEP]", // 0-9
        ",", "low", "lowest", "[MASK]", "##aff", "##able", "[PAD]", "hello", "world", "!", // 10-19
        ".", "a", "##a", GOTHIC_A, "##" + GOTHIC_A, "我", "爱", "你", "红", "色", // 20-29
        "coat", "cafe", "naive", "ab", "##c", "##bc", CJK_EXT_B, "x", "y", "", // 30-39
        "xy", "##yz"
    }; // 40-41

    private static final int UNK = 1, CLS = 4, SEP = 9, PAD = 16;

    @TempDir
    Path tmp;

    private WordPieceTokenizer tok;

    @BeforeEach
    void readVocab() throws IOException {
        tok = new WordPieceTokenizer(Vocabulary.read(VocabFixtures.lines(tmp, VOCAB)));
    }

    private static Arguments row(String input, String... expected) {
        return Arguments.of(input, List.of(expected));
    }

    private static String[] repeat(String first, String rest, int n) {
        String[] out = new String[n];
        Arrays.fill(out, rest);
        out[0] = first;
        return out;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                row("unaffable", "un", "##aff", "##able"),
                row("unwanted running", "un", "##want", "##ed", "runn", "##ing"), // BERT's test_wordpiece_tokenizer
                row(
                        "UNwant\u00E9d,running",
                        "un",
                        "##want",
                        "##ed",
                        ",",
                        "runn",
                        "##ing"), // BERT's test_full_tokenizer
                row("unwantedX running", "[UNK]", "runn", "##ing"), // one bad position: the whole word
                row("Héllo, WORLD!", "hello", ",", "world", "!"),
                row("Café Naïve", "cafe", "naive"),
                row("我爱你", "我", "爱", "你"),
                row("a红色coat", "a", "红", "色", "coat"),
                row("...!!", ".", ".", ".", "!", "!"),
                row("qqq", "[UNK]"),
                row("abc", "ab", "##c"), // longest first: not a ##bc
                row("xyz", "[UNK]"), // no back-tracking: xy then ##z fails, although x ##yz would fit
                row("lowest low", "lowest", "low"),
                row("hel\u0000lo\uFFFD wor\u200Bld\u0007", "hello", "world"),
                row("hello\tworld\nhello\u00A0world\r\n", "hello", "world", "hello", "world"),
                row("x" + CJK_EXT_B + "y", "x", CJK_EXT_B, "y"),
                row("a".repeat(100), repeat("a", "##a", 100)),
                row("a".repeat(101), "[UNK]"),
                // 100 code points but 200 chars: the limit counts code points
                row(GOTHIC_A.repeat(100), repeat(GOTHIC_A, "##" + GOTHIC_A, 100)),
                row(GOTHIC_A.repeat(101), "[UNK]"),
                row("a\uD800", "[UNK]"), // an unpaired surrogate: no crash, just unknown
                row(""),
                row(" \t\n\u3000 "));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void tokenizesAsBert(String input, List<String> expected) {
        assertEquals(expected, tok.tokenize(input));
    }

    @Test
    void encodePadsAndMasks() {
        Encoding e = tok.encode("unaffable", 8);
        assertEquals(1, e.rows());
        assertEquals(8, e.length());
        assertArrayEquals(new int[] {CLS, 6, 14, 15, SEP, PAD, PAD, PAD}, e.ids()[0]);
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 0, 0, 0}, e.attentionMask()[0]);
    }

    @Test
    void unknownWordsGetTheUnkId() {
        assertArrayEquals(
                new int[] {CLS, 17, UNK, SEP}, tok.encode("hello qqq", 4).ids()[0]);
    }

    @Test
    void truncationKeepsClsAndSep() {
        Encoding e = tok.encode("hello world hello world", 4);
        assertArrayEquals(new int[] {CLS, 17, 18, SEP}, e.ids()[0]);
        assertArrayEquals(new int[] {1, 1, 1, 1}, e.attentionMask()[0]);
        assertArrayEquals(
                new int[] {CLS, 17, 18, SEP}, tok.encode("hello world", 4).ids()[0]); // fits exactly
        assertArrayEquals(new int[] {CLS, SEP}, tok.encode("hello world", 2).ids()[0]);
    }

    @Test
    void emptyAndBlankTextAreClsSep() {
        for (String blank : new String[] {"", "   ", " \t\n\u00A0\u0000 "}) {
            Encoding e = tok.encode(blank, 4);
            assertArrayEquals(new int[] {CLS, SEP, PAD, PAD}, e.ids()[0], "'" + blank + "'");
            assertArrayEquals(new int[] {1, 1, 0, 0}, e.attentionMask()[0], "'" + blank + "'");
        }
    }

    @Test
    void batchRowsEqualSingleEncodings() {
        List<String> texts = List.of("unaffable", "", "hello world hello world hello", "我爱你");
        Encoding batch = tok.encode(texts, 5);
        assertEquals(4, batch.rows());
        assertEquals(5, batch.length());
        assertEquals(4, batch.ids().length);
        assertEquals(4, batch.attentionMask().length);
        for (int r = 0; r < texts.size(); r++) {
            Encoding single = tok.encode(texts.get(r), 5);
            assertArrayEquals(single.ids()[0], batch.ids()[r], "row " + r);
            assertArrayEquals(single.attentionMask()[0], batch.attentionMask()[r], "row " + r);
        }
        assertArrayEquals(new int[] {CLS, 17, 18, 17, SEP}, batch.ids()[2]);
        assertArrayEquals(new int[] {1, 1, 0, 0, 0}, batch.attentionMask()[1]);
    }

    @Test
    void idsOfBertBaseUncasedLayout() {
        WordPieceTokenizer bert = new WordPieceTokenizer(Vocabulary.of(VocabFixtures.bertLayout("red", "coat")));
        Vocabulary v = bert.vocabulary();
        assertEquals(List.of(0, 100, 101, 102, 103), List.of(v.padId(), v.unkId(), v.clsId(), v.sepId(), v.maskId()));
        assertArrayEquals(
                new int[] {101, 104, 105, 100, 102, 0},
                bert.encode("Red COAT hat", 6).ids()[0]);
    }

    @Test
    void vocabularyIsTheOneGiven() {
        Vocabulary v = Vocabulary.of(VocabFixtures.bertLayout());
        assertSame(v, new WordPieceTokenizer(v).vocabulary());
    }

    @Test
    void misuseIsRejectedWithAMessage() {
        for (int bad : new int[] {1, 0, -5}) {
            rejects(() -> tok.encode("hello", bad), "maxLen", "at least 2", String.valueOf(bad));
            rejects(() -> tok.encode(List.of("hello"), bad), "maxLen", String.valueOf(bad));
        }
        rejects(() -> tok.encode((String) null, 8), "text is null");
        rejects(() -> tok.tokenize(null), "text is null");
        rejects(() -> tok.encode((List<String>) null, 8), "texts is null");
        rejects(() -> tok.encode(List.of(), 8), "texts is empty");
        List<String> withNull = new ArrayList<>(List.of("a", "b"));
        withNull.add(1, null);
        rejects(() -> tok.encode(withNull, 8), "text 1 is null");
        rejects(() -> new WordPieceTokenizer(null), "vocabulary is null");
    }

    @Test
    void encodingChecksItsShape() {
        rejects(() -> new Encoding(new int[][] {{1, 2}, {3}}, new int[][] {{1, 1}, {1}}), "row 1");
        rejects(() -> new Encoding(new int[][] {{1, 2}}, new int[][] {{1, 1}, {1, 1}}), "rows");
        rejects(() -> new Encoding(new int[0][], new int[0][]), "at least one row");
        rejects(() -> new Encoding(null, new int[][] {{1}}), "null");
    }
}
