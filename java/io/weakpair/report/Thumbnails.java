package io.weakpair.report;

import io.weakpair.data.ImageFiles;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small JPEG copies of gallery images, so a report folder is self-contained and light. */
final class Thumbnails {
    private Thumbnails() {}

    /** Writes {@code source} scaled to {@code height} pixels (aspect kept, never enlarged) as a JPEG at {@code target}. */
    static void write(Path source, Path target, int height) throws IOException {
        BufferedImage img;
        try {
            img = ImageFiles.read(source);
        } catch (IOException e) {
            throw new IOException("report thumbnail: cannot read " + source + ": " + e.getMessage(), e);
        }
        int h = Math.min(height, img.getHeight());
        int w = Math.max(1, (int) Math.round((double) img.getWidth() * h / img.getHeight()));
        // JPEG has no alpha channel: draw into plain RGB.
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(img, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(small, "jpg", target.toFile()))
            throw new IOException("report thumbnail: no JPEG writer for " + target);
    }
}
