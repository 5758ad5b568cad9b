package io.weakpair.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * BERT's uncased BasicTokenizer: cleans text, isolates CJK ideographs, splits on whitespace,
 * lower-cases, strips accents and splits off punctuation. Every decision works on Unicode code
 * points, as Python's {@code str} does, so characters outside the BMP (surrogate pairs in Java)
 * count as one character. Character properties are the JDK's (Unicode 13.0 in Java 17): the
 * rare character whose category a later Unicode version changed may be treated differently
 * than by a newer Python.
 */
final class BasicTokenizer {
    private BasicTokenizer() {}

    /** The words and punctuation marks of {@code text}, normalised; never null, empty for blank text. */
    static List<String> tokenize(String text) {
        String spaced = spaceCjk(clean(text));
        List<String> out = new ArrayList<>();
        for (String word : splitOnSpace(spaced)) {
            // Lower-case as Python's str.lower() does: whole words (the Greek final sigma depends on
            // its neighbours) and full mappings ("İ" becomes "i" + U+0307, then loses the mark).
            String lowered = stripAccents(PythonLowerCase.lower(word));
            splitOnPunctuation(lowered, out);
        }
        return out;
    }

    /** Drops NUL, U+FFFD and control characters; turns every whitespace character into one space. */
    static String clean(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            if (cp == 0 || cp == 0xFFFD || isControl(cp)) return;
            if (isWhitespace(cp)) sb.append(' ');
            else sb.appendCodePoint(cp);
        });
        return sb.toString();
    }

    /** Surrounds every CJK ideograph with spaces so that each becomes a word of its own. */
    static String spaceCjk(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(cp -> {
            if (isChineseChar(cp)) sb.append(' ').appendCodePoint(cp).append(' ');
            else sb.appendCodePoint(cp);
        });
        return sb.toString();
    }

    /**
     * Splits on spaces, dropping empty pieces. U+2028 and U+2029 also separate: cleaning keeps
     * them (they are neither control nor Zs), but BERT splits with Python's {@code str.split()},
     * which treats them as whitespace.
     */
    static List<String> splitOnSpace(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean separator = c == ' ' || c == '\u2028' || c == '\u2029';
            if (separator) {
                if (start >= 0) words.add(text.substring(start, i));
                start = -1;
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) words.add(text.substring(start));
        return words;
    }

    /** NFD, then drops non-spacing marks (category Mn): "café" becomes "cafe". */
    static String stripAccents(String word) {
        String nfd = Normalizer.normalize(word, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(nfd.length());
        nfd.codePoints().forEach(cp -> {
            if (Character.getType(cp) != Character.NON_SPACING_MARK) sb.appendCodePoint(cp);
        });
        return sb.toString();
    }

    /** Appends the runs of non-punctuation of {@code word} and each punctuation mark on its own. */
    static void splitOnPunctuation(String word, List<String> out) {
        int start = 0;
        int i = 0;
        while (i < word.length()) {
            int cp = word.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isPunctuation(cp)) {
                if (i > start) out.add(word.substring(start, i));
                out.add(word.substring(i, next));
                start = next;
            }
            i = next;
        }
        if (word.length() > start) out.add(word.substring(start));
    }

    /** BERT's {@code _is_whitespace}: space, tab, newline, carriage return and category Zs. */
    static boolean isWhitespace(int cp) {
        return cp == ' '
                || cp == '\t'
                || cp == '\n'
                || cp == '\r'
                || Character.getType(cp) == Character.SPACE_SEPARATOR;
    }

    /** BERT's {@code _is_control}: categories Cc and Cf, except tab, newline and carriage return (whitespace). */
    static boolean isControl(int cp) {
        if (cp == '\t' || cp == '\n' || cp == '\r') return false;
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT;
    }

    /**
     * BERT's {@code _is_punctuation}: every non-alphanumeric printable ASCII character (so "$",
     * "^", "`", "~", "+" and "<" count although Unicode calls them symbols) and category P*.
     */
    static boolean isPunctuation(int cp) {
        if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION,
                    Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    /**
     * BERT's {@code _is_chinese_char}: exactly its CJK Unified Ideograph blocks. Hiragana,
     * Katakana, Hangul and the later extensions (F onwards, from U+2CEB0) are deliberately not
     * included, as in BERT, so pre-trained vocabularies see the same words.
     */
    static boolean isChineseChar(int cp) {
        return (cp >= 0x4E00 && cp <= 0x9FFF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0x20000 && cp <= 0x2A6DF)
                || (cp >= 0x2A700 && cp <= 0x2B73F)
                || (cp >= 0x2B740 && cp <= 0x2B81F)
                || (cp >= 0x2B820 && cp <= 0x2CEAF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0x2F800 && cp <= 0x2FA1F);
    }
}
