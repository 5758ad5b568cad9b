package io.weakpair.data;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * A contact sheet for people: images of a split, grouped by identity, each with its
 * captions written under it, so one can see what the data looks like and whether the
 * captions describe the pictures.
 */
public final class DatasetPreview {
    private static final int PAD = 8;
    private static final int TEXT_WIDTH = 230;
    private static final int TARGET_IMAGE_HEIGHT = 200;

    private DatasetPreview() {}

    /**
     * Picks identities in a seeded random order and takes all their images until {@code count}
     * images are chosen, so the sheet shows the same people from several cameras.
     */
    public static List<DataRecord> pick(DatasetSplit split, int count, long seed) {
        if (count < 1) throw new IllegalArgumentException("preview: count must be at least 1, got " + count);
        int[] order = new int[split.numIdentities()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, 77));
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        List<DataRecord> out = new ArrayList<>();
        for (int label : order) {
            for (DataRecord r : split.recordsOf(label)) {
                if (out.size() == count) return out;
                out.add(r);
            }
        }
        return out;
    }

    /** The size of a written sheet, in pixels. */
    public record SheetSize(int width, int height) {}

    /**
     * Draws the sheet and writes it to {@code out} as PNG, creating its folder. Headless
     * machines without fonts fail inside AWT: that becomes an IllegalStateException with one
     * line. (Here rather than in the command, so the command line itself never refers to AWT
     * classes and runs on a Java runtime without java.desktop, like the GPU check's.)
     */
    public static SheetSize writePng(List<DataRecord> records, int columns, Path out) throws IOException {
        BufferedImage sheet;
        try {
            sheet = render(records, columns);
        } catch (java.awt.AWTError | InternalError | UnsatisfiedLinkError e) {
            throw new IllegalStateException(
                    "cannot draw text (" + e + "); install fontconfig and a font such as fonts-dejavu");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!ImageIO.write(sheet, "png", out.toFile())) throw new IOException("no PNG writer");
        return new SheetSize(sheet.getWidth(), sheet.getHeight());
    }

    /** Draws the sheet; unreadable images show as a grey box with the reason. */
    public static BufferedImage render(List<DataRecord> records, int columns) {
        if (records.isEmpty()) throw new IllegalArgumentException("preview: nothing to show");
        if (columns < 1) throw new IllegalArgumentException("preview: columns must be at least 1, got " + columns);
        List<BufferedImage> images = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int maxW = 1, maxH = 1;
        for (DataRecord r : records) {
            BufferedImage img = null;
            String error = null;
            try {
                img = ImageFiles.read(r.image());
            } catch (IOException e) {
                error = e.getMessage();
            }
            images.add(img);
            errors.add(error);
            if (img != null) {
                maxW = Math.max(maxW, img.getWidth());
                maxH = Math.max(maxH, img.getHeight());
            }
        }
        double scale = Math.min(4.0, Math.max(1.0, TARGET_IMAGE_HEIGHT / (double) maxH));
        int imgW = (int) Math.round(maxW * scale), imgH = (int) Math.round(maxH * scale);
        int cellW = Math.max(imgW, TEXT_WIDTH);

        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        Font bold = font.deriveFont(Font.BOLD);
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics fm = pg.getFontMetrics(font);
        FontMetrics boldMetrics = pg.getFontMetrics(bold);
        List<List<String>> texts = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            DataRecord r = records.get(i);
            List<String> lines = new ArrayList<>();
            if (errors.get(i) != null) lines.addAll(wrap("cannot read: " + errors.get(i), fm, cellW));
            for (int c = 0; c < r.captions().size(); c++)
                lines.addAll(wrap((c + 1) + ". " + r.captions().get(c), fm, cellW));
            texts.add(lines);
        }
        pg.dispose();
        int lineH = fm.getHeight();
        int rows = (records.size() + columns - 1) / columns;
        int[] rowH = new int[rows];
        for (int i = 0; i < records.size(); i++) {
            int h = lineH + imgH + 4 + texts.get(i).size() * lineH;
            rowH[i / columns] = Math.max(rowH[i / columns], h);
        }
        int width = PAD + Math.min(columns, records.size()) * (cellW + PAD);
        int height = PAD;
        for (int h : rowH) height += h + PAD;

        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            int y = PAD;
            for (int row = 0; row < rows; row++) {
                for (int col = 0; col < columns; col++) {
                    int i = row * columns + col;
                    if (i >= records.size()) break;
                    DataRecord r = records.get(i);
                    int x = PAD + col * (cellW + PAD);
                    g.setColor(Color.DARK_GRAY);
                    g.setFont(bold);
                    g.drawString(ellipsis("id " + r.id() + "  " + r.path(), boldMetrics, cellW), x, y + fm.getAscent());
                    int iy = y + lineH;
                    BufferedImage img = images.get(i);
                    if (img != null) {
                        int w = (int) Math.round(img.getWidth() * scale), h = (int) Math.round(img.getHeight() * scale);
                        g.drawImage(img, x, iy, w, h, null);
                    } else {
                        g.setColor(Color.LIGHT_GRAY);
                        g.fillRect(x, iy, imgW, imgH);
                    }
                    g.setFont(font);
                    g.setColor(Color.BLACK);
                    int ty = iy + imgH + 4 + fm.getAscent();
                    for (String line : texts.get(i)) {
                        g.drawString(line, x, ty);
                        ty += lineH;
                    }
                }
                y += rowH[row] + PAD;
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    private static List<String> wrap(String text, FontMetrics fm, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            String candidate = line.length() == 0 ? word : line + " " + word;
            if (fm.stringWidth(candidate) <= width || line.length() == 0) {
                line.setLength(0);
                line.append(candidate);
            } else {
                lines.add(line.toString());
                line.setLength(0);
                line.append(word);
            }
        }
        if (line.length() > 0) lines.add(line.toString());
        return lines;
    }

    private static String ellipsis(String s, FontMetrics fm, int width) {
        if (fm.stringWidth(s) <= width) return s;
        String t = s;
        while (t.length() > 1 && fm.stringWidth(t + "...") > width) t = t.substring(0, t.length() - 1);
        return t + "...";
    }
}
