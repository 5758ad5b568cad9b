package io.weakpair.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Reading and checking image files with ImageIO (JPEG, PNG, BMP, GIF). */
public final class ImageFiles {
    static {
        // ImageIO's disk cache only slows small reads down and litters the temp folder.
        ImageIO.setUseCache(false);
    }

    private ImageFiles() {}

    /** Whether a file is one that a folder search picks up: its name ends in .jpg, .jpeg or .png (any case). */
    public static boolean isImage(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
    }

    /** Every image file ({@link #isImage}) below {@code dir}, searched recursively, sorted by path; empty when none. */
    public static List<Path> listImages(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile)
                    .filter(ImageFiles::isImage)
                    .sorted()
                    .toList();
        }
    }

    /** Decodes an image; the exception message says why it cannot be read. */
    public static BufferedImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("no such file");
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            // ImageIO throws unchecked exceptions (e.g. for corrupt Huffman tables) as well.
            throw new IOException("cannot decode: " + describe(e), e);
        }
        if (img == null) throw new IOException("not an image in a supported format (JPEG, PNG, BMP, GIF)");
        if (img.getWidth() <= 0 || img.getHeight() <= 0) throw new IOException("image has no pixels");
        return img;
    }

    /**
     * Checks an image at the given level, returning null when it passes or the problem.
     * The returned kind distinguishes a missing file from an unreadable one.
     */
    static Problem check(Path file, ImageCheck level) {
        if (level == ImageCheck.NONE) return null;
        if (!Files.isRegularFile(file)) return new Problem(DataIssue.Kind.MISSING_IMAGE, "no such file: " + file);
        try {
            if (level == ImageCheck.HEADER) readHeader(file);
            else if (level == ImageCheck.DECODE) read(file);
            return null;
        } catch (IOException e) {
            return new Problem(DataIssue.Kind.UNDECODABLE_IMAGE, e.getMessage());
        }
    }

    record Problem(DataIssue.Kind kind, String detail) {}

    /** Reads only as far as the image size: catches non-images and truncated headers cheaply. */
    static void readHeader(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new IOException("cannot open");
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new IOException("not an image in a supported format (JPEG, PNG, BMP, GIF)");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                if (reader.getWidth(0) <= 0 || reader.getHeight(0) <= 0) throw new IOException("image has no pixels");
            } catch (RuntimeException e) {
                throw new IOException("cannot decode header: " + describe(e), e);
            } finally {
                reader.dispose();
            }
        }
    }

    private static String describe(Exception e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
