package io.weakpair.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The end-of-training plot: a PNG of the expected size with drawn content, from the files a run folder holds. */
class TrainingPlotTest {
    @TempDir
    Path run;

    /** A log of {@code steps} steps over {@code epochs} epochs, losses falling. */
    private void writeLog(int steps, int epochs) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < steps; s++) {
            double itc = 3.5 * Math.exp(-s / 80.0) + 0.1 * Math.sin(s);
            sb.append(String.format(
                    Locale.ROOT,
                    "{\"epoch\":%d,\"step\":%d,\"lr\":0.001,\"loss\":%.5f,\"itc\":%.5f,\"matching\":%.5f,"
                            + "\"mlm\":%.5f,\"grad_norm\":1.0,\"temperature\":0.07,\"pairs\":64}%n",
                    s * epochs / steps,
                    s,
                    itc + 1.2,
                    itc,
                    0.7,
                    0.5));
        }
        Files.writeString(run.resolve(TrainingHistory.STEP_LOG), sb, StandardCharsets.UTF_8);
    }

    private static BufferedImage read(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertTrue(img != null, png + " is not a readable PNG");
        return img;
    }

    private static int colours(BufferedImage img) {
        Set<Integer> c = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2)
            for (int x = 0; x < img.getWidth(); x += 2) c.add(img.getRGB(x, y));
        return c.size();
    }

    @Test
    void lossesOnlyGiveOnePanel() throws IOException {
        writeLog(50, 2);
        Path png = TrainingPlot.write(run);
        assertEquals(run.resolve("plot.png"), png);
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(png), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, "PNG signature");
        BufferedImage img = read(png);
        assertEquals(TrainingPlot.WIDTH, img.getWidth());
        assertEquals(TrainingPlot.PANEL_HEIGHT, img.getHeight());
        assertTrue(colours(img) > 10, "the chart has lines and text, not a blank image");
    }

    @Test
    void perEpochMetricsAddTheRetrievalPanel() throws IOException {
        writeLog(600, 3);
        StringBuilder sb = new StringBuilder();
        for (int e = 1; e <= 3; e++)
            sb.append(String.format(
                    Locale.ROOT,
                    "{\"epoch\":%d,\"split\":\"val\",\"queries\":10,\"itc\":{\"R@1\":%.1f,\"mAP\":%.1f},"
                            + "\"itc+itm\":{\"R@1\":%.1f,\"mAP\":%.1f}}%n",
                    e,
                    5.0 * e,
                    6.0 * e,
                    6.0 * e,
                    7.0 * e));
        Files.writeString(run.resolve(EpochMetricsLog.FILE), sb, StandardCharsets.UTF_8);
        TrainingHistory h = TrainingHistory.read(run);
        assertEquals(600, h.steps().size());
        assertEquals(
                java.util.List.of(1, 2, 3),
                java.util.List.copyOf(h.epochMetrics().keySet()));
        assertEquals(15.0, h.epochMetrics().get(3).get("itc").get("R@1"));
        BufferedImage img = read(TrainingPlot.write(run));
        assertEquals(TrainingPlot.WIDTH, img.getWidth());
        assertEquals(2 * TrainingPlot.PANEL_HEIGHT, img.getHeight());
    }

    @Test
    void theFinalMetricsCountAsTheLastEpochWhenNoPerEpochLogExists() throws IOException {
        writeLog(20, 2);
        Files.writeString(
                run.resolve("metrics.json"), "{\"queries\":8,\"gallery\":4,\"itc\":{\"R@1\":12.5,\"mAP\":20.0}}");
        TrainingHistory h = TrainingHistory.read(run);
        assertEquals(
                java.util.List.of(2), java.util.List.copyOf(h.epochMetrics().keySet()));
        assertEquals(
                2 * TrainingPlot.PANEL_HEIGHT, read(TrainingPlot.write(run)).getHeight());
    }

    @Test
    void aBadLineIsNamedAndNothingIsWritten() throws IOException {
        writeLog(5, 1);
        Files.writeString(
                run.resolve(TrainingHistory.STEP_LOG),
                "{\"epoch\":0,\"step\":5}\n",
                java.nio.file.StandardOpenOption.APPEND);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainingPlot.write(run));
        assertTrue(
                e.getMessage().endsWith("log.jsonl line 6: field 'loss' is missing or not a number"), e.getMessage());
        Files.writeString(run.resolve(TrainingHistory.STEP_LOG), "{\"epoch\":0,\n");
        e = assertThrows(IllegalArgumentException.class, () -> TrainingPlot.write(run));
        assertTrue(e.getMessage().contains("log.jsonl line 1: not valid JSON"), e.getMessage());
        assertTrue(!Files.exists(run.resolve("plot.png")));
        Files.delete(run.resolve(TrainingHistory.STEP_LOG));
        e = assertThrows(IllegalArgumentException.class, () -> TrainingPlot.write(run));
        assertTrue(e.getMessage().contains("no training log (log.jsonl)"), e.getMessage());
    }
}
