package io.weakpair.model;

import io.weakpair.data.ImageFiles;
import io.weakpair.data.ImageTransform;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.TextBatch;
import io.weakpair.text.Tokenization;
import io.weakpair.text.Vocabulary;
import io.weakpair.text.WordPieceTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@link EmbedContract} on files: image files read with the model's preprocessing
 * ({@link Preprocessing#images}) and caption lines tokenized with the checkpoint's vocabulary
 * ({@link Tokenization}), as evaluation and search see them.
 */
public final class EmbedFiles {
    private EmbedFiles() {}

    /** The image files of {@code roots}, in order: every image below a folder ({@link ImageFiles#listImages}), a file as given. */
    public static List<Path> images(List<Path> roots) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            if (Files.isDirectory(root)) out.addAll(ImageFiles.listImages(root));
            else out.add(root);
        }
        return out;
    }

    /** The captions of a UTF-8 text file, one per line, stripped; blank lines are not captions. */
    public static List<String> readCaptions(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8))
            if (!line.isBlank()) lines.add(line.strip());
        return lines;
    }

    /**
     * {@link EmbedContract#compute} of the images and captions, without pairs; an image that does
     * not read is an error naming it. The vocabulary must be the checkpoint's own
     * ({@link ModelCheckpoint#loadWithVocabulary}).
     */
    public static Map<String, Tensor> compute(
            AlbefModel model, Vocabulary vocabulary, List<Path> images, List<String> captions) {
        ImageTransform transform = Preprocessing.images(model.config());
        float[] pixels = new float[images.size() * transform.floatsPerImage()];
        for (int i = 0; i < images.size(); i++) {
            try {
                transform.apply(ImageFiles.read(images.get(i)), false, pixels, i * transform.floatsPerImage());
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot read image " + images.get(i) + ": " + e.getMessage(), e);
            }
        }
        TextBatch text = Tokenization.batch(
                new WordPieceTokenizer(vocabulary), captions, model.config().maxTokens());
        try (Tensor px = Tensor.of(pixels, images.size(), 3, transform.height(), transform.width());
                Tensor ids = Tensor.ofInts(text.ids(), text.rows(), text.length());
                Tensor mask = Tensor.ofInts(text.mask(), text.rows(), text.length())) {
            return EmbedContract.compute(model, px, ids, mask, null);
        }
    }
}
