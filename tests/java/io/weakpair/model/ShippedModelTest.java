package io.weakpair.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.tensor.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shipped pre-trained model: the file in models/ is the one its card describes, the jar carries it, and it loads. */
class ShippedModelTest {
    private static final Path MODELS = Path.of("models");

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void theCheckpointMatchesItsCardAndLoads() throws Exception {
        Path file = MODELS.resolve(ShippedModels.PRETRAINED_TINY);
        assertTrue(Files.isRegularFile(file), "the shipped checkpoint " + file.toAbsolutePath());
        assertTrue(Files.size(file) <= 10L << 20, "at most 10 MB: " + Files.size(file));
        String card = Files.readString(MODELS.resolve("README.md"));
        Matcher m = Pattern.compile("SHA-256 of " + Pattern.quote(ShippedModels.PRETRAINED_TINY) + ": `([0-9a-f]{64})`")
                .matcher(card);
        assertTrue(m.find(), "models/README.md names the checkpoint's SHA-256");
        assertEquals(m.group(1), sha256(file), "the checkpoint is the one the card describes");
        assertEquals(sha256(file), sha256(ShippedModels.pretrainedTiny()), "the jar carries the same file");

        ModelCheckpoint.WithVocabulary loaded =
                ModelCheckpoint.loadWithVocabulary(ShippedModels.pretrainedTiny(), Device.CPU);
        try (AlbefModel model = loaded.model()) {
            assertEquals("tiny", model.config().preset());
            assertEquals(128, model.config().imageHeight());
            assertEquals(loaded.vocabulary().size(), model.config().vocabSize());
        }
    }
}
