package io.weakpair.text;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A WordPiece vocabulary: token ids are positions in a list, as in BERT's {@code vocab.txt}
 * (id = 0-based line number), so a published vocabulary such as bert-base-uncased's is used
 * unchanged. The special tokens [PAD], [UNK], [CLS], [SEP] and [MASK] must be present; their
 * ids are looked up, never assumed. If a token occurs more than once its first id is the one
 * {@link #id} returns; the later line still occupies its id. Immutable and thread-safe.
 */
public final class Vocabulary {
    public static final String PAD = "[PAD]";
    public static final String UNK = "[UNK]";
    public static final String CLS = "[CLS]";
    public static final String SEP = "[SEP]";
    public static final String MASK = "[MASK]";
    /** The special tokens, in the order {@link VocabularyBuilder} puts them first. */
    public static final List<String> SPECIAL_TOKENS = List.of(PAD, UNK, CLS, SEP, MASK);

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final int maxTokenCodePoints;
    private final int padId, unkId, clsId, sepId, maskId;

    /** {@code source} names where the tokens came from, for error messages ("vocabulary file X"). */
    private Vocabulary(List<String> tokens, String source) {
        this.tokens = tokens;
        this.ids = new HashMap<>(tokens.size() * 2);
        int longest = 0;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            ids.putIfAbsent(t, i);
            longest = Math.max(longest, t.codePointCount(0, t.length()));
        }
        this.maxTokenCodePoints = longest;
        this.padId = required(PAD, source);
        this.unkId = required(UNK, source);
        this.clsId = required(CLS, source);
        this.sepId = required(SEP, source);
        this.maskId = required(MASK, source);
    }

    private int required(String special, String source) {
        Integer id = ids.get(special);
        if (id == null) throw new IllegalArgumentException(source + " lacks the special token " + special);
        return id;
    }

    /**
     * Reads a {@code vocab.txt}: UTF-8, one token per line, a trailing "\r" removed (CRLF files),
     * empty lines kept as tokens, a final newline optional, a leading byte order mark ignored.
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException if it is empty, not UTF-8 (naming the line) or lacks a special token
     */
    public static Vocabulary read(Path vocabTxt) throws IOException {
        if (vocabTxt == null) throw new IllegalArgumentException("vocabulary file path is null");
        List<String> tokens = VocabularyFiles.read(vocabTxt);
        return new Vocabulary(tokens, "vocabulary file " + vocabTxt);
    }

    /**
     * A vocabulary whose ids are the indices of {@code tokens} (copied).
     *
     * @throws IllegalArgumentException if a token is null, could not be written back as one UTF-8
     *         line of {@code vocab.txt} (a line break, an unpaired surrogate), or a special token is missing
     */
    public static Vocabulary of(List<String> tokens) {
        if (tokens == null) throw new IllegalArgumentException("token list is null");
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t == null) throw new IllegalArgumentException("token " + i + " is null");
            // Exactly what read() would not give back: it splits lines on "\n" and strips one final "\r".
            if (t.indexOf('\n') >= 0 || t.endsWith("\r")) {
                throw new IllegalArgumentException("token " + i + " contains a line break: " + t.strip());
            }
            if (t.codePoints().anyMatch(cp -> Character.getType(cp) == Character.SURROGATE)) {
                throw new IllegalArgumentException(
                        "token " + i + " contains an unpaired surrogate (not encodable as UTF-8)");
            }
        }
        // A first token starting with a byte order mark would lose it on the way through vocab.txt.
        if (!tokens.isEmpty() && tokens.get(0).startsWith(VocabularyFiles.BOM)) {
            throw new IllegalArgumentException("token 0 starts with a byte order mark (U+FEFF)");
        }
        return new Vocabulary(List.copyOf(tokens), "token list");
    }

    /**
     * Writes this vocabulary as {@code vocab.txt} (UTF-8, one token per line, "\n" line ends),
     * atomically: a reader sees the old file or the complete new one. {@link #read} gives back
     * an equal vocabulary.
     */
    public void write(Path vocabTxt) throws IOException {
        if (vocabTxt == null) throw new IllegalArgumentException("vocabulary file path is null");
        VocabularyFiles.write(vocabTxt, tokens);
    }

    /** The number of ids (lines), duplicates included. */
    public int size() {
        return tokens.size();
    }

    /** The id of {@code token} (its first occurrence), or -1 if it is not in the vocabulary. */
    public int id(String token) {
        if (token == null) throw new IllegalArgumentException("token is null");
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    /** The token with this id. */
    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("token id " + id + " out of range [0, " + tokens.size() + ")");
        }
        return tokens.get(id);
    }

    public int padId() {
        return padId;
    }

    public int unkId() {
        return unkId;
    }

    public int clsId() {
        return clsId;
    }

    public int sepId() {
        return sepId;
    }

    public int maskId() {
        return maskId;
    }

    /** The length in code points of the longest token: WordPiece never needs to try a longer piece. */
    int maxTokenCodePoints() {
        return maxTokenCodePoints;
    }

    /** Two vocabularies are equal when they list the same tokens in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && tokens.equals(v.tokens);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode();
    }

    @Override
    public String toString() {
        return "Vocabulary[" + tokens.size() + " tokens]";
    }
}
