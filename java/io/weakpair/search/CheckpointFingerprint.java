package io.weakpair.search;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a checkpoint file's bytes: an index stores it so that features of one model
 * are never mixed with, or queried by, another (a retrained or re-initialised checkpoint under
 * the same name differs).
 */
public final class CheckpointFingerprint {
    private CheckpointFingerprint() {}

    public static String of(Path checkpoint) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(checkpoint)) {
            for (int n; (n = in.read(buf)) > 0; ) sha.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
