/**
 * Text to token ids for the text encoder: BERT's uncased WordPiece tokenizer and a vocabulary
 * builder for training from scratch.
 *
 * <p>{@link io.weakpair.text.WordPieceTokenizer} follows BERT's published BasicTokenizer and
 * WordpieceTokenizer rules (clean, isolate CJK ideographs, lower-case, strip accents, split off
 * punctuation, greedy longest-match WordPiece), so bert-base-uncased's {@code vocab.txt} gives
 * the ids the pre-trained model expects. {@link io.weakpair.text.Vocabulary} reads and writes
 * {@code vocab.txt} (id = line number); {@link io.weakpair.text.VocabularyBuilder} makes one
 * from captions, with every character present so that no caption word becomes [UNK].
 *
 * <pre>
 * Vocabulary vocab = Vocabulary.read(Path.of("bert-base-uncased/vocab.txt"));
 * WordPieceTokenizer tok = new WordPieceTokenizer(vocab);
 * Encoding e = tok.encode(batch.captions(), 72);
 * int[][] ids = e.ids();            // [B][72]: [CLS] pieces [SEP] [PAD]...
 * int[][] mask = e.attentionMask(); // 1 on tokens, 0 on padding
 * </pre>
 */
package io.weakpair.text;
