package io.weakpair.text;

import static io.weakpair.testing.Misuse.rejects;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vocabulary built from captions: layout, order, limits, coverage and a file round trip. */
class VocabularyBuilderTest {
    private static final List<String> SMALL =
            List.of("A man in a red coat.", "The man wears a red coat, RED shoes.", "a woman");
    /** The 15 characters of SMALL after normalisation, in code point order. */
    private static final List<String> SMALL_CHARS =
            List.of(",", ".", "a", "c", "d", "e", "h", "i", "m", "n", "o", "r", "s", "t", "w");

    @TempDir
    Path tmp;

    private static List<String> tokens(Vocabulary v) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) out.add(v.token(i));
        return out;
    }

    private static List<String> expectedSmall(String... words) {
        List<String> out = new ArrayList<>(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"));
        out.addAll(SMALL_CHARS);
        for (String c : SMALL_CHARS) out.add("##" + c);
        out.addAll(List.of(words));
        return out;
    }

    @Test
    void layoutIsSpecialsThenCharactersThenWordsByFrequency() {
        // counts: red 3; coat 2, man 2; in, shoes, the, wears, woman 1 ("a", "," and "." are characters)
        Vocabulary v = VocabularyBuilder.build(SMALL, 1000, 1);
        assertEquals(expectedSmall("red", "coat", "man", "in", "shoes", "the", "wears", "woman"), tokens(v));
        assertEquals(List.of(0, 1, 2, 3, 4), List.of(v.padId(), v.unkId(), v.clsId(), v.sepId(), v.maskId()));
    }

    @Test
    void maxSizeAndMinCountLimitTheWords() {
        Vocabulary capped = VocabularyBuilder.build(SMALL, 38, 1);
        assertEquals(38, capped.size());
        assertEquals(expectedSmall("red", "coat", "man"), tokens(capped));
        assertEquals(expectedSmall("red", "coat", "man"), tokens(VocabularyBuilder.build(SMALL, 1000, 2)));
        assertEquals(expectedSmall("red"), tokens(VocabularyBuilder.build(SMALL, 1000, 3)));
        assertEquals(expectedSmall(), tokens(VocabularyBuilder.build(SMALL, 35, 1)));
    }

    @Test
    void tooSmallAMaxSizeSaysWhatIsNeeded() {
        rejects(() -> VocabularyBuilder.build(SMALL, 34, 1), "maxSize 34", "need 35");
        rejects(() -> VocabularyBuilder.build(SMALL, 1000, 0), "minCount", "0");
        rejects(() -> VocabularyBuilder.build(null, 1000, 1), "captions is null");
        rejects(() -> VocabularyBuilder.build(Arrays.asList("a", null), 1000, 1), "caption 1 is null");
    }

    @Test
    void wordsAreCountedAfterNormalisation() {
        Vocabulary v = VocabularyBuilder.build(List.of("Coat", "COAT,", "coat", "Café", "cafe", "cafe!"), 1000, 3);
        assertTrue(v.id("coat") >= 0);
        assertTrue(v.id("cafe") >= 0);
        assertEquals(-1, v.id("Coat"));
        assertEquals(-1, v.id("é"));
        assertEquals(-1, v.id("coat,"));
    }

    @Test
    void deterministicWhateverTheCaptionOrder() {
        List<String> corpus = corpus(400, 7);
        Vocabulary first = VocabularyBuilder.build(corpus, 300, 2);
        List<String> shuffled = new ArrayList<>(corpus);
        Collections.shuffle(shuffled, new Random(3));
        assertEquals(tokens(first), tokens(VocabularyBuilder.build(corpus, 300, 2)));
        assertEquals(tokens(first), tokens(VocabularyBuilder.build(shuffled, 300, 2)));
    }

    @Test
    void noCorpusWordBecomesUnknown() {
        List<String> corpus = corpus(300, 11);
        for (int maxSize : new int[] {minimalSize(corpus), minimalSize(corpus) + 10, 100_000}) {
            WordPieceTokenizer tok = new WordPieceTokenizer(VocabularyBuilder.build(corpus, maxSize, 1));
            assertTrue(tok.vocabulary().size() <= maxSize);
            for (String caption : corpus) {
                List<String> pieces = tok.tokenize(caption);
                assertFalse(pieces.contains("[UNK]"), maxSize + ": " + caption + " -> " + pieces);
                assertFalse(pieces.isEmpty(), caption);
            }
        }
    }

    /** The size of the vocabulary with no whole words: specials and characters only. */
    private static int minimalSize(List<String> corpus) {
        return VocabularyBuilder.build(corpus, 1_000_000, Integer.MAX_VALUE).size();
    }

    @Test
    void wholeWordsAreSinglePieces() {
        WordPieceTokenizer tok = new WordPieceTokenizer(VocabularyBuilder.build(SMALL, 1000, 1));
        assertEquals(List.of("a", "red", "coat", ",", "the", "woman", "."), tok.tokenize("A red coat, the woman."));
        // words not in the vocabulary are spelled with the longest pieces there are
        assertEquals(List.of("coat", "##s"), tok.tokenize("coats"));
        assertEquals(List.of("c", "##a", "##r", "##t"), tok.tokenize("cart"));
    }

    @Test
    void overlongWordsAddTheirCharactersButNoEntry() {
        String longWord = "ab".repeat(51); // 102 code points: always [UNK] by BERT's rule
        Vocabulary v = VocabularyBuilder.build(List.of(longWord, longWord), 1000, 1);
        assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "##a", "##b"), tokens(v));
    }

    @Test
    void writeThenReadIsIdentical() throws IOException {
        Vocabulary v = VocabularyBuilder.build(corpus(200, 5), 250, 1);
        Path file = tmp.resolve("vocab.txt");
        v.write(file);
        Vocabulary back = Vocabulary.read(file);
        assertEquals(v, back);
        assertEquals(tokens(v), tokens(back));
    }

    /**
     * Deterministic pseudo-captions with upper case, accents, punctuation, CJK (one ideograph
     * outside the BMP), a supplementary-plane letter and digits.
     */
    private static List<String> corpus(int n, long seed) {
        String[] words = {
            "A",
            "young",
            "Woman",
            "wearing",
            "a",
            "red",
            "coat",
            "with",
            "black",
            "backpack",
            "Café",
            "naïve",
            "jeans,",
            "shoes.",
            "(left)",
            "T-shirt",
            "she's",
            "红色",
            "外套",
            Character.toString(0x20021),
            "42",
            "über",
            Character.toString(0x10330) + "x",
            "—",
            "\u00A0",
            "Ὀδυσσεύς"
        };
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 3 + r.nextInt(12);
            for (int w = 0; w < len; w++) {
                if (w > 0) sb.append(r.nextInt(5) == 0 ? "" : " ");
                sb.append(words[r.nextInt(words.length)]);
            }
            out.add(sb.toString());
        }
        return out;
    }
}
