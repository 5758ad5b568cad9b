package io.weakpair.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * BERT's uncased tokenizer: {@link BasicTokenizer} normalisation, then WordPiece on each word,
 * greedy longest match first with "##" on continuation pieces. A word longer than
 * {@value #MAX_WORD_CODE_POINTS} code points, or one that cannot be covered by pieces of the
 * vocabulary, becomes a single [UNK]. Immutable and thread-safe.
 *
 * <pre>
 * WordPieceTokenizer tok = new WordPieceTokenizer(Vocabulary.read(Path.of("vocab.txt")));
 * Encoding e = tok.encode(captions, 72);   // ids and attentionMask: int[captions.size()][72]
 * </pre>
 */
public final class WordPieceTokenizer {
    /** BERT's {@code max_input_chars_per_word}: longer words are [UNK] without trying. */
    static final int MAX_WORD_CODE_POINTS = 100;

    private static final String CONTINUATION = "##";

    private final Vocabulary vocab;

    public WordPieceTokenizer(Vocabulary vocab) {
        if (vocab == null) throw new IllegalArgumentException("WordPieceTokenizer: vocabulary is null");
        this.vocab = vocab;
    }

    public Vocabulary vocabulary() {
        return vocab;
    }

    /** The word pieces of {@code text}, without [CLS] and [SEP]; empty for blank text. */
    public List<String> tokenize(String text) {
        if (text == null) throw new IllegalArgumentException("tokenize: text is null");
        List<String> pieces = new ArrayList<>();
        for (String word : BasicTokenizer.tokenize(text)) wordPieces(word, pieces);
        return pieces;
    }

    /**
     * One text as a single row: {@code [CLS] pieces [SEP]}, pieces cut so the row fits
     * {@code maxLen} (both markers are always kept), then [PAD] up to {@code maxLen}.
     *
     * @throws IllegalArgumentException if text is null or maxLen &lt; 2
     */
    public Encoding encode(String text, int maxLen) {
        if (text == null) throw new IllegalArgumentException("encode: text is null");
        checkMaxLen(maxLen);
        int[][] ids = new int[1][];
        int[][] mask = new int[1][];
        encodeRow(text, maxLen, ids, mask, 0);
        return new Encoding(ids, mask);
    }

    /**
     * A batch of texts, one row each, as {@link #encode(String, int)} makes them.
     *
     * @throws IllegalArgumentException if the list is null or empty, a text is null (naming its
     *         index) or maxLen &lt; 2
     */
    public Encoding encode(List<String> texts, int maxLen) {
        if (texts == null) throw new IllegalArgumentException("encode: texts is null");
        if (texts.isEmpty()) throw new IllegalArgumentException("encode: texts is empty");
        checkMaxLen(maxLen);
        int n = texts.size();
        int[][] ids = new int[n][];
        int[][] mask = new int[n][];
        for (int r = 0; r < n; r++) {
            String text = texts.get(r);
            if (text == null) throw new IllegalArgumentException("encode: text " + r + " is null");
            encodeRow(text, maxLen, ids, mask, r);
        }
        return new Encoding(ids, mask);
    }

    private static void checkMaxLen(int maxLen) {
        if (maxLen < 2) {
            throw new IllegalArgumentException(
                    "encode: maxLen must be at least 2 (room for [CLS] and [SEP]), got " + maxLen);
        }
    }

    private void encodeRow(String text, int maxLen, int[][] ids, int[][] mask, int r) {
        List<String> pieces = tokenize(text);
        int kept = Math.min(pieces.size(), maxLen - 2);
        int[] row = new int[maxLen];
        int[] m = new int[maxLen];
        row[0] = vocab.clsId();
        for (int i = 0; i < kept; i++) {
            int id = vocab.id(pieces.get(i));
            // Pieces come from the vocabulary or are [UNK], so the lookup cannot miss.
            row[i + 1] = id;
        }
        row[kept + 1] = vocab.sepId();
        Arrays.fill(m, 0, kept + 2, 1);
        Arrays.fill(row, kept + 2, maxLen, vocab.padId());
        ids[r] = row;
        mask[r] = m;
    }

    /** Appends the WordPiece split of one normalised word, or [UNK]. */
    private void wordPieces(String word, List<String> out) {
        int[] cps = word.codePoints().toArray();
        if (cps.length > MAX_WORD_CODE_POINTS) {
            out.add(Vocabulary.UNK);
            return;
        }
        // offsets[i] = the char index of code point i, so substrings never split a surrogate pair.
        int[] offsets = new int[cps.length + 1];
        for (int i = 0; i < cps.length; i++) offsets[i + 1] = offsets[i] + Character.charCount(cps[i]);
        int longest = vocab.maxTokenCodePoints();
        int mark = out.size();
        int start = 0;
        while (start < cps.length) {
            String match = null;
            int end = Math.min(cps.length, start + longest); // longer substrings cannot be tokens
            for (; end > start; end--) {
                String sub = word.substring(offsets[start], offsets[end]);
                if (start > 0) sub = CONTINUATION + sub;
                if (vocab.id(sub) >= 0) {
                    match = sub;
                    break;
                }
            }
            if (match == null) {
                // BERT does not back-track: one unmatched position makes the whole word [UNK].
                out.subList(mark, out.size()).clear();
                out.add(Vocabulary.UNK);
                return;
            }
            out.add(match);
            start = end;
        }
    }
}
