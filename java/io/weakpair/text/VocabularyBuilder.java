package io.weakpair.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a WordPiece vocabulary from a caption corpus, for training a text encoder from scratch
 * (a pre-trained BERT uses its own {@code vocab.txt} instead). The layout:
 * <ol>
 *   <li>the special tokens [PAD], [UNK], [CLS], [SEP], [MASK] (ids 0 to 4);</li>
 *   <li>every character of the normalised corpus, in code point order, then the same characters
 *       as continuations ("##e"), so that any word made of them can be spelled piece by piece
 *       and no corpus word becomes [UNK];</li>
 *   <li>whole words of two or more characters, most frequent first, ties alphabetical (by code
 *       point), as long as they occur at least {@code minCount} times and the total stays within
 *       {@code maxSize}.</li>
 * </ol>
 * Words are counted after {@link BasicTokenizer} normalisation (lower case, accents stripped,
 * punctuation split off), exactly as {@link WordPieceTokenizer} will see them. The result does
 * not depend on the order of the captions.
 *
 * <p>Exception: a word longer than 100 code points is always [UNK] (BERT's rule); such words
 * add their characters but are never whole-word entries.
 */
public final class VocabularyBuilder {
    private VocabularyBuilder() {}

    /**
     * @param captions the corpus; each caption may hold several sentences
     * @param maxSize  the most tokens the vocabulary may hold, special and character tokens included
     * @param minCount the fewest occurrences for a whole word to be added, at least 1
     * @throws IllegalArgumentException if captions or a caption is null (naming its index), minCount
     *         &lt; 1, or maxSize is too small for the special and character tokens (naming the size needed)
     */
    public static Vocabulary build(Iterable<String> captions, int maxSize, int minCount) {
        if (captions == null) throw new IllegalArgumentException("VocabularyBuilder: captions is null");
        if (minCount < 1)
            throw new IllegalArgumentException("VocabularyBuilder: minCount must be at least 1, got " + minCount);
        Map<String, Integer> wordCounts = new HashMap<>();
        Set<Integer> chars = new TreeSet<>();
        int index = 0;
        for (String caption : captions) {
            if (caption == null) throw new IllegalArgumentException("VocabularyBuilder: caption " + index + " is null");
            for (String word : BasicTokenizer.tokenize(caption)) {
                word.codePoints().forEach(chars::add);
                wordCounts.merge(word, 1, Integer::sum);
            }
            index++;
        }

        List<String> tokens = new ArrayList<>(Vocabulary.SPECIAL_TOKENS);
        for (int cp : chars) tokens.add(Character.toString(cp));
        for (int cp : chars) tokens.add("##" + Character.toString(cp));
        if (tokens.size() > maxSize) {
            throw new IllegalArgumentException("VocabularyBuilder: maxSize " + maxSize + " is too small: the "
                    + Vocabulary.SPECIAL_TOKENS.size() + " special tokens and " + 2 * chars.size()
                    + " character tokens of this corpus need " + tokens.size());
        }

        Set<String> present = new HashSet<>(tokens);
        List<Map.Entry<String, Integer>> words = new ArrayList<>();
        for (Map.Entry<String, Integer> e : wordCounts.entrySet()) {
            String w = e.getKey();
            int length = w.codePointCount(0, w.length());
            if (e.getValue() >= minCount && length <= WordPieceTokenizer.MAX_WORD_CODE_POINTS && !present.contains(w)) {
                words.add(e);
            }
        }
        words.sort(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                .reversed()
                .thenComparing(Map.Entry::getKey, VocabularyBuilder::compareCodePoints));
        for (Map.Entry<String, Integer> e : words) {
            if (tokens.size() >= maxSize) break;
            tokens.add(e.getKey());
        }
        return Vocabulary.of(tokens);
    }

    /**
     * Code point order, which unlike {@link String#compareTo} (UTF-16 units) sorts characters
     * beyond U+FFFF after U+E000..U+FFFF, matching the order of the character tokens.
     */
    static int compareCodePoints(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i), cb = b.codePointAt(j);
            if (ca != cb) return Integer.compare(ca, cb);
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
