package io.weakpair.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Byte-level mutations of the seed corpus (tests/fuzz-corpus): bit flips, interesting bytes,
 * deleted, repeated and spliced ranges, truncation, tokens that stress JSON readers (huge and
 * negative numbers, nulls, nesting, path escapes) and, for binary seeds, a rewritten 8-byte
 * length prefix. Deterministic for a (seed file, random seed) pair.
 */
final class Mutator {
    private static final byte[] BYTES = {
        0, (byte) 0xff, (byte) 0x80, '"', '{', '}', '[', ']', ',', ':', '9', '-', '\n', '\\'
    };
    private static final String[] TOKENS = {
        "1e999",
        "-1",
        "99999999999999999999",
        "2147483648",
        "null",
        "[]",
        "{}",
        "\"\"",
        "\"../../x\"",
        "\"/etc/passwd\"",
        "\"\\u0000\"",
        "[[[[[[[[[[[[[[[[",
        "true",
        "0.5",
        "NaN",
        "\"F16\"",
        "\"BOOL\"",
        "[2147483647,2147483647]",
        "[-1]",
        "[0,18446744073709551615]",
        "\"data_offsets\"",
        "\"__metadata__\"",
        "[UNK]",
        "\u00e9"
    };

    private Mutator() {}

    /** The files of one corpus folder, as byte arrays. */
    static List<byte[]> seeds(String folder) {
        Path dir = corpus().resolve(folder);
        try (Stream<Path> files = Files.list(dir)) {
            List<byte[]> out = new ArrayList<>();
            for (Path p : files.sorted().toList()) out.add(Files.readAllBytes(p));
            if (out.isEmpty()) throw new IllegalStateException("empty fuzz corpus folder " + dir);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** tests/fuzz-corpus from the project folder (the tests' working directory). */
    static Path corpus() {
        return Path.of("tests", "fuzz-corpus");
    }

    /** Zero to five mutations of {@code seed}; a quarter of the inputs are the seeds themselves. */
    static byte[] mutate(byte[] seed, long randomSeed) {
        SplittableRandom r = new SplittableRandom(randomSeed);
        byte[] b = seed.clone();
        if (r.nextInt(4) == 0) return b;
        int count = 1 + r.nextInt(5);
        for (int i = 0; i < count; i++) b = once(b, r);
        return b;
    }

    private static byte[] once(byte[] b, SplittableRandom r) {
        int n = b.length;
        int at = n == 0 ? 0 : r.nextInt(n);
        switch (r.nextInt(8)) {
            case 0 -> {
                if (n > 0) b[at] ^= (byte) (1 << r.nextInt(8));
                return b;
            }
            case 1 -> {
                if (n > 0) b[at] = BYTES[r.nextInt(BYTES.length)];
                return b;
            }
            case 2 -> { // delete a range
                int len = Math.min(n - at, 1 + r.nextInt(16));
                byte[] out = new byte[n - len];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + len, out, at, n - at - len);
                return out;
            }
            case 3 -> { // repeat a range
                int len = Math.min(n - at, 1 + r.nextInt(32));
                return splice(b, at, Arrays.copyOfRange(b, at, at + len));
            }
            case 4 -> {
                return Arrays.copyOf(b, n == 0 ? 0 : r.nextInt(n));
            }
            case 5 -> { // a token, at a structural character when there is one nearby
                for (int k = 0; k < 8 && n > 0; k++) {
                    int p = r.nextInt(n);
                    if (b[p] == ':' || b[p] == ',' || b[p] == '[' || b[p] == '\n') {
                        at = p + 1;
                        break;
                    }
                }
                return splice(b, at, TOKENS[r.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8));
            }
            case 6 -> { // the little-endian length prefix of a binary file
                if (n >= 8) {
                    long v =
                            switch (r.nextInt(4)) {
                                case 0 -> r.nextLong();
                                case 1 -> n - 8 + r.nextInt(-16, 16);
                                case 2 -> Long.MAX_VALUE;
                                default -> r.nextInt(0, Math.max(1, n));
                            };
                    for (int k = 0; k < 8; k++) b[k] = (byte) (v >>> (8 * k));
                }
                return b;
            }
            default -> { // a digit run made longer (numbers that overflow)
                return splice(b, at, "9999999999".getBytes(StandardCharsets.US_ASCII));
            }
        }
    }

    private static byte[] splice(byte[] b, int at, byte[] insert) {
        byte[] out = new byte[b.length + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at, out, at + insert.length, b.length - at);
        return out;
    }
}
