package io.weakpair.text;

import io.weakpair.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes the lines of a {@code vocab.txt}; the rules are documented on {@link Vocabulary#read}. */
final class VocabularyFiles {
    static final String BOM = "\uFEFF";

    private VocabularyFiles() {}

    static List<String> read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "vocabulary file not found");
        if (!Files.isRegularFile(file)) throw new IOException("vocabulary file " + file + " is not a regular file");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read vocabulary file " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length == 0) throw new IllegalArgumentException("vocabulary file " + file + " is empty");
        // Decode line by line (split on the byte '\n', which never occurs inside a UTF-8 sequence)
        // so that an invalid byte is reported with its line number.
        CharsetDecoder utf8 = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') end++;
            int stop = end > start && bytes[end - 1] == '\r' ? end - 1 : end;
            try {
                lines.add(
                        utf8.decode(ByteBuffer.wrap(bytes, start, stop - start)).toString());
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(
                        "vocabulary file " + file + ": line " + (lines.size() + 1) + " is not valid UTF-8", e);
            }
            start = end + 1; // past the '\n'; a final newline does not start another line
        }
        // Editors on Windows may start UTF-8 files with a byte order mark; it is not part of [PAD].
        if (lines.get(0).startsWith(BOM)) lines.set(0, lines.get(0).substring(1));
        return lines;
    }

    static void write(Path file, List<String> tokens) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String t : tokens) sb.append(t).append('\n');
        AtomicFile.writeString(file, sb.toString());
    }
}
