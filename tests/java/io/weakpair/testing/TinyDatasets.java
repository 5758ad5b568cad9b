package io.weakpair.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Small CUHK-PEDES-layout datasets ({@code reid_raw.json} and {@code imgs/}) for command and
 * report tests: noise images, two captions per image that name the person and the image, and,
 * when asked, characters that must be escaped in HTML.
 */
public final class TinyDatasets {
    private TinyDatasets() {}

    /**
     * Writes {@code imagesPerId} images of each identity: identities 0 .. trainIds-1 in train,
     * the next {@code testIds} in test (none in val).
     */
    public static Path write(Path root, int trainIds, int testIds, int imagesPerId, boolean htmlCharacters)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        ArrayNode records = json.createArrayNode();
        SplittableRandom rng = new SplittableRandom(7);
        for (int id = 0; id < trainIds + testIds; id++) {
            for (int k = 0; k < imagesPerId; k++) {
                String path = "p" + id + "/v" + k + ".png";
                Path file = root.resolve("imgs").resolve(path);
                Files.createDirectories(file.getParent());
                BufferedImage img = new BufferedImage(16, 40, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 40; y++) for (int x = 0; x < 16; x++) img.setRGB(x, y, rng.nextInt(0x1000000));
                if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer");
                ObjectNode r = records.addObject();
                r.put("id", id);
                r.put("file_path", path);
                ArrayNode captions = r.putArray("captions");
                String extra = htmlCharacters ? " with a <b>bold</b> \"quoted\" & 'odd' bag" : "";
                captions.add("a person number " + id + " seen in view " + k + extra + ".");
                captions.add("someone walking, the second caption of image " + k + " of person " + id + ".");
                r.put("split", id < trainIds ? "train" : "test");
            }
        }
        json.writerWithDefaultPrettyPrinter()
                .writeValue(root.resolve("reid_raw.json").toFile(), records);
        return root;
    }
}
