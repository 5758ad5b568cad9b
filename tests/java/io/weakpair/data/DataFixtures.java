package io.weakpair.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Small datasets written by the tests: images, annotation files, and in-memory datasets. */
final class DataFixtures {
    static final ObjectMapper JSON = new ObjectMapper();

    private DataFixtures() {}

    /** A deterministic, colourful image (so that resize/flip bugs change pixels). */
    static BufferedImage image(int h, int w, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, rng.nextInt(0x1000000));
        return img;
    }

    static Path writeImage(Path file, int h, int w, long seed) {
        try {
            Files.createDirectories(file.getParent());
            String format = file.toString().endsWith(".jpg") ? "jpeg" : "png";
            if (!ImageIO.write(image(h, w, seed), format, file.toFile()))
                throw new IOException("no writer for " + format);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode record(int id, String pathField, String path, String split, String... captions) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", id);
        o.put(pathField, path);
        ArrayNode c = o.putArray("captions");
        for (String s : captions) c.add(s);
        o.put("split", split);
        return o;
    }

    static void writeJson(Path file, Object node) {
        try {
            Files.createDirectories(file.getParent());
            JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An in-memory split-ready dataset: {@code imagesPerId[i]} images for identity i (ids
     * 100 + i), each with {@code captions} captions, images that need not exist.
     */
    static Dataset memoryDataset(Path root, int[] imagesPerId, int captions) {
        List<DataRecord> records = new ArrayList<>();
        int index = 0;
        for (int i = 0; i < imagesPerId.length; i++) {
            for (int k = 0; k < imagesPerId[i]; k++) {
                List<String> caps = new ArrayList<>();
                for (int c = 0; c < captions; c++) caps.add("person " + i + " image " + k + " caption " + c);
                String path = "p" + i + "_" + k + ".png";
                records.add(new DataRecord(index++, 100 + i, -1, Split.TRAIN, path, root.resolve(path), caps));
            }
        }
        return new Dataset(root, DatasetFormat.CUHK_PEDES, records, new LoadReport(records.size(), List.of()));
    }

    /** Like {@link #memoryDataset} but with the images written (small PNGs of varying sizes). */
    static Dataset imageDataset(Path root, int[] imagesPerId, int captions) {
        Dataset d = memoryDataset(root, imagesPerId, captions);
        for (DataRecord r : d.records()) writeImage(r.image(), 20 + r.index() % 7, 9 + r.index() % 5, r.index());
        return d;
    }
}
