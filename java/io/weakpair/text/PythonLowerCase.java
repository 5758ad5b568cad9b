package io.weakpair.text;

import java.util.Locale;

/**
 * Python's {@code str.lower()}, which BERT applies to each word. It equals Java's
 * {@code toLowerCase(Locale.ROOT)} except for the one context rule: whether a capital sigma
 * (U+03A3) ends a word and becomes "ς" rather than "σ". Java decides that with word-break
 * boundaries; Python follows Unicode's Final_Sigma condition, reproduced here:
 * {@code \p{Cased} \p{Case_Ignorable}* Σ !(\p{Case_Ignorable}* \p{Cased})}.
 */
final class PythonLowerCase {
    private static final int CAPITAL_SIGMA = 0x03A3;

    private PythonLowerCase() {}

    static String lower(String word) {
        if (word.indexOf(CAPITAL_SIGMA) < 0) return word.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(word.length());
        int i = 0;
        while (i < word.length()) {
            int cp = word.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (cp == CAPITAL_SIGMA) {
                sb.append(finalSigma(word, i, next) ? 'ς' : 'σ');
            } else {
                // Per code point as a String, so unconditional multi-char mappings (İ -> i + U+0307) still apply.
                sb.append(Character.toString(cp).toLowerCase(Locale.ROOT));
            }
            i = next;
        }
        return sb.toString();
    }

    /** Final_Sigma for the sigma at chars [at, after) of {@code s}, judged on the original (unlowered) text. */
    private static boolean finalSigma(String s, int at, int after) {
        int j = at;
        int before = -1;
        while (j > 0) {
            int cp = s.codePointBefore(j);
            j -= Character.charCount(cp);
            if (!isCaseIgnorable(cp)) {
                before = cp;
                break;
            }
        }
        if (before < 0 || !isCased(before)) return false;
        j = after;
        while (j < s.length()) {
            int cp = s.codePointAt(j);
            j += Character.charCount(cp);
            if (!isCaseIgnorable(cp)) return !isCased(cp);
        }
        return true;
    }

    /** Unicode's Cased property; Java's isLowerCase/isUpperCase include Other_Lowercase/Other_Uppercase. */
    static boolean isCased(int cp) {
        return Character.isLowerCase(cp) || Character.isUpperCase(cp) || Character.isTitleCase(cp);
    }

    /**
     * Unicode's Case_Ignorable property: categories Mn, Me, Cf, Lm, Sk, and the characters whose
     * Word_Break is MidLetter, MidNumLet or Single_Quote (listed, as Java has no Word_Break lookup).
     */
    static boolean isCaseIgnorable(int cp) {
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK
                || type == Character.ENCLOSING_MARK
                || type == Character.FORMAT
                || type == Character.MODIFIER_LETTER
                || type == Character.MODIFIER_SYMBOL) {
            return true;
        }
        return switch (cp) {
            case 0x0027, // Single_Quote
                    0x002E,
                    0x2018,
                    0x2019,
                    0x2024,
                    0xFE52,
                    0xFF07,
                    0xFF0E, // MidNumLet
                    0x003A,
                    0x00B7,
                    0x0387,
                    0x055F,
                    0x05F4,
                    0x2027,
                    0xFE13,
                    0xFE55,
                    0xFF1A -> true; // MidLetter
            default -> false;
        };
    }
}
