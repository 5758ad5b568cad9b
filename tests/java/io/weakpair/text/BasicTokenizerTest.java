package io.weakpair.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * BERT's BasicTokenizer rules (uncased), case by case. Each expectation was derived by hand from
 * the published rules: clean, space CJK, whitespace split, lower, NFD minus Mn, punctuation split.
 */
class BasicTokenizerTest {
    private static Arguments row(String input, String... expected) {
        return Arguments.of(input, List.of(expected));
    }

    private static String cp(int codePoint) {
        return Character.toString(codePoint);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                row("Héllo, WORLD!", "hello", ",", "world", "!"),
                row("Café Naïve", "cafe", "naive"),
                row("ÉCOLE", "ecole"),
                row("e\u0301te\u0301", "ete"), // already decomposed accents
                row("我爱你", "我", "爱", "你"),
                row("a红色coat", "a", "红", "色", "coat"),
                row("...!!", ".", ".", ".", "!", "!"),
                row("A man in a RED-coat.", "a", "man", "in", "a", "red", "-", "coat", "."),
                row("don't 3.5", "don", "'", "t", "3", ".", "5"),
                // NUL, U+FFFD, BEL (Cc), zero-width space (Cf), NEL (Cc), BOM (Cf) vanish without splitting
                row("ab\u0000c\uFFFDd\u0007e\u200Bf\u0085g\uFEFFh", "abcdefgh"),
                // VT and FF are Cc, so BERT drops them before splitting: they join, not separate
                row("a\u000Bb\u000Cc", "abc"),
                row("a\tb\nc\rd\u00A0e\u3000f\u2003g", "a", "b", "c", "d", "e", "f", "g"),
                // kept by cleaning, but Python's str.split() separates on them
                row("a\u2028b\u2029c", "a", "b", "c"),
                row("x" + cp(0x20000) + "y", "x", cp(0x20000), "y"), // a surrogate pair, split as one ideograph
                row("", new String[0]),
                row("  \t\n\u00A0 ", new String[0]),
                row("\u0301", new String[0]), // a lone accent strips to nothing
                // ASCII symbols are punctuation by the ASCII ranges; the euro sign (Sc) is not
                row(
                        "5€ 5$ a^b a~b 1+1 a<b a`b a|b",
                        "5€",
                        "5",
                        "$",
                        "a",
                        "^",
                        "b",
                        "a",
                        "~",
                        "b",
                        "1",
                        "+",
                        "1",
                        "a",
                        "<",
                        "b",
                        "a",
                        "`",
                        "b",
                        "a",
                        "|",
                        "b"),
                row("¿Qué? «hola» a—b", "¿", "que", "?", "«", "hola", "»", "a", "—", "b"),
                // Python's Final_Sigma rule (Java's own toLowerCase decides ⒶΣ and 국Σ the other way)
                row("ΣΑΣ", "σας"),
                row("Σ", "σ"),
                row("Α.Σ", "α", ".", "ς"), // "." is case-ignorable; lowered before the split
                row("ΑΣ.Β", "ασ", ".", "β"),
                row("ΑΣ\u0301Β", "ασβ"),
                row("Α\u02B9Σ", "α\u02B9ς"), // a modifier letter (Lm) is case-ignorable
                row("ⒶΣ", "ⓐς"), // Ⓐ is cased (Other_Uppercase)
                row("국Σ", "\u1100\u116E\u11A8σ"), // Hangul is not cased
                row("İstanbul", "istanbul"), // "i" + U+0307, and the mark is stripped
                row("한국", "\u1112\u1161\u11AB\u1100\u116E\u11A8"), // NFD splits Hangul into jamo (Lo, kept)
                row("ひらがな", "ひらかな"), // not CJK; NFD + Mn strip drops the dakuten
                row("a\uF900b", "a", "\u8C48", "b"), // compatibility ideograph: spaced, then NFD
                row("a" + cp(0x2CEB0) + "b", "a" + cp(0x2CEB0) + "b"), // extension F is outside BERT's ranges
                row("ＡＢＣ", "ａｂｃ"), // NFD, not NFKD: full width stays
                row("a\uD800b", "a\uD800b")); // an unpaired surrogate passes through
    }

    @ParameterizedTest
    @MethodSource("cases")
    void tokenizesAsBert(String input, List<String> expected) {
        assertEquals(expected, BasicTokenizer.tokenize(input));
    }

    @Test
    void chineseRangesAreExactlyBerts() {
        int[] inside = {
            0x4E00, 0x9FFF, 0x3400, 0x4DBF, 0x20000, 0x2A6DF, 0x2A700, 0x2B73F, 0x2B740, 0x2B81F, 0x2B820, 0x2CEAF,
            0xF900, 0xFAFF, 0x2F800, 0x2FA1F, 0x6211
        };
        int[] outside = {
            0x4DFF, 0x33FF, 0x4DC0, 0xA000, 0x1FFFF, 0x2A6E0, 0x2A6FF, 0x2CEB0, 0xF8FF, 0xFB00, 0x2F7FF, 0x2FA20,
            0x3040, 0x30A2, 0xAC00, 0x3000, 'a'
        };
        for (int c : inside) assertTrue(BasicTokenizer.isChineseChar(c), Integer.toHexString(c));
        for (int c : outside) assertFalse(BasicTokenizer.isChineseChar(c), Integer.toHexString(c));
    }

    @Test
    void punctuationIsAsciiRangesOrCategoryP() {
        for (int c = 0; c < 128; c++) {
            boolean expected =
                    (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);
            assertEquals(expected, BasicTokenizer.isPunctuation(c), "ASCII " + c);
        }
        for (int c : new int[] {'¿', '«', '»', '—', '、', '。', '_', 0x2018, 0x201D, 0xFF08}) {
            assertTrue(BasicTokenizer.isPunctuation(c), Integer.toHexString(c));
        }
        for (int c : new int[] {'€', '£', '©', '°', 0xFF0B /* fullwidth plus, Sm */, 'é', '我'}) {
            assertFalse(BasicTokenizer.isPunctuation(c), Integer.toHexString(c));
        }
    }
}
