package io.weakpair.data.synth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weakpair.data.DataException;
import io.weakpair.data.Progress;
import io.weakpair.data.Seeds;
import io.weakpair.data.Split;
import io.weakpair.io.AtomicFile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The built-in synthetic benchmark: plans identities, shots and captions from a seed, draws
 * the images on a thread pool, and writes them in the CUHK-PEDES layout
 * ({@code imgs/} + {@code reid_raw.json}) with the ground truth beside them
 * ({@code synth_identities.json}, {@code synth_images.json}, {@code synth_config.json}).
 *
 * <p>Every random decision comes from a stream derived from (seed, what, identity, image),
 * so the files are byte-for-byte the same for the same options whatever the thread count.
 */
public final class SyntheticGenerator {
    /** Bump when the output for the same options changes, so cached datasets are regenerated. */
    public static final int VERSION = 1;

    public static final String CONFIG_FILE = "synth_config.json";
    public static final String IDENTITIES_FILE = "synth_identities.json";
    public static final String IMAGES_FILE = "synth_images.json";
    public static final String ANNOTATION_FILE = "reid_raw.json";
    private static final Set<String> OWN_FILES =
            Set.of(CONFIG_FILE, IDENTITIES_FILE, IMAGES_FILE, ANNOTATION_FILE, "imgs");

    private static final long IDENTITY_STREAM = 11, IMAGE_STREAM = 12, SCENE_STREAM = 13, CAPTION_STREAM = 14;
    private static final ObjectMapper JSON = new ObjectMapper();

    private SyntheticGenerator() {}

    /** What {@link #generate} wrote. */
    public record Result(Path dir, SyntheticPlan plan, double seconds) {}

    // ------------------------------------------------------------------ planning

    /** Identities, shots and captions for a configuration: cheap, deterministic, no pixels. */
    public static SyntheticPlan plan(SynthConfig cfg) {
        List<SyntheticIdentity> identities = planIdentities(cfg);
        CaptionWriter writer = new CaptionWriter(cfg.omissionRate(), cfg.noiseRate());
        List<SyntheticImage> images = new ArrayList<>();
        for (SyntheticIdentity who : identities) {
            SplittableRandom rng = new SplittableRandom(Seeds.mix(cfg.seed(), IMAGE_STREAM, who.id()));
            int count = cfg.minImagesPerId() + rng.nextInt(cfg.maxImagesPerId() - cfg.minImagesPerId() + 1);
            // Cycle through the views and cameras in a shuffled order so one person's shots differ.
            List<View> views = new ArrayList<>(cfg.views());
            shuffle(views, rng);
            int[] cameras = new int[cfg.cameras()];
            for (int i = 0; i < cameras.length; i++) cameras[i] = i;
            shuffle(cameras, rng);
            for (int k = 0; k < count; k++) {
                View view = views.get(k % views.size());
                int camera = cameras[k % cameras.length];
                SplittableRandom sceneRng = new SplittableRandom(Seeds.mix(cfg.seed(), SCENE_STREAM, who.id(), k));
                Scene scene = Scene.draw(view, camera, cfg.occlusionRate(), sceneRng);
                Set<AttributeKind> visible = Visibility.of(who.appearance(), scene);
                SplittableRandom captionRng = new SplittableRandom(Seeds.mix(cfg.seed(), CAPTION_STREAM, who.id(), k));
                List<Caption> captions = new ArrayList<>(cfg.captionsPerImage());
                for (int c = 0; c < cfg.captionsPerImage(); c++)
                    captions.add(writer.write(who.appearance(), visible, captionRng));
                String path = String.format(
                        Locale.ROOT,
                        "%s/%05d_%02d_c%d_%s.%s",
                        who.split().fileName(),
                        who.id(),
                        k,
                        camera,
                        view.fileName(),
                        cfg.imageFormat());
                images.add(new SyntheticImage(who, k, path, scene, visible, captions));
            }
        }
        return new SyntheticPlan(cfg, identities, images);
    }

    private static List<SyntheticIdentity> planIdentities(SynthConfig cfg) {
        IdentityFactory factory = new IdentityFactory(cfg.viewDependentShare());
        SplittableRandom rng = new SplittableRandom(Seeds.mix(cfg.seed(), IDENTITY_STREAM));
        Set<Identity> taken = new HashSet<>();
        List<SyntheticIdentity> all = new ArrayList<>();
        int[] counts = cfg.identitiesPerSplit();
        int nextId = 1;
        for (Split split : Split.values()) {
            // Near-duplicates copy an identity of the same split, so test galleries hold hard negatives.
            List<SyntheticIdentity> inSplit = new ArrayList<>();
            for (int n = 0; n < counts[split.ordinal()]; n++) {
                Identity look = null;
                int copyOf = 0;
                for (int attempt = 0; look == null; attempt++) {
                    if (attempt == 10_000) {
                        throw new DataException("cannot draw " + cfg.ids() + " distinct identities with these options "
                                + "(drew " + all.size() + "); lower --ids or raise --view-dependent-share");
                    }
                    Identity candidate;
                    int base = 0;
                    if (!inSplit.isEmpty() && Pick.chance(rng, cfg.nearDuplicates())) {
                        SyntheticIdentity original = inSplit.get(rng.nextInt(inSplit.size()));
                        candidate = factory.nearDuplicate(original.appearance(), rng);
                        base = original.id();
                    } else {
                        candidate = factory.draw(rng);
                    }
                    if (taken.add(candidate)) {
                        look = candidate;
                        copyOf = base;
                    }
                }
                SyntheticIdentity who = new SyntheticIdentity(nextId++, split, look, copyOf);
                inSplit.add(who);
                all.add(who);
            }
        }
        return all;
    }

    /** Draws one image of the plan. */
    public static BufferedImage render(SynthConfig cfg, SyntheticImage image) {
        return PersonRenderer.render(image.identity().appearance(), image.scene(), cfg.height(), cfg.width());
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes the dataset into {@code dir}, which must be missing, empty, or an earlier output of
     * this generator (whose files are replaced).
     *
     * @param threads  drawing threads; the output does not depend on it
     * @param progress where progress lines go (null for none)
     */
    public static Result generate(SynthConfig cfg, Path dir, int threads, PrintStream progress) {
        if (threads < 1) throw new IllegalArgumentException("synth: threads must be at least 1, got " + threads);
        long start = System.nanoTime();
        prepare(dir);
        SyntheticPlan plan = plan(cfg);
        try {
            Path imgs = dir.resolve("imgs");
            for (Split s : Split.values()) Files.createDirectories(imgs.resolve(s.fileName()));
            drawAll(plan, imgs, threads, progress);
            writeLines(dir.resolve(ANNOTATION_FILE), annotationRecords(plan));
            writeLines(dir.resolve(IDENTITIES_FILE), identityRecords(plan));
            writeLines(dir.resolve(IMAGES_FILE), imageRecords(plan));
            // Written last: its presence says the dataset is complete.
            writeAtomically(
                    dir.resolve(CONFIG_FILE),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(configJson(cfg)) + "\n");
        } catch (IOException e) {
            throw new DataException("synth: cannot write " + dir + ": " + e.getMessage(), e);
        }
        return new Result(dir, plan, (System.nanoTime() - start) / 1e9);
    }

    /**
     * The dataset for {@code cfg} in {@code dir}: reused when a complete one with the same
     * options and generator version is there, generated otherwise. Returns whether it generated.
     */
    public static boolean ensure(SynthConfig cfg, Path dir, int threads, PrintStream progress) {
        Path config = dir.resolve(CONFIG_FILE);
        try {
            if (Files.isRegularFile(config)
                    && Files.isRegularFile(dir.resolve(ANNOTATION_FILE))
                    // Compared as text: numbers read back may have another node type (int vs long).
                    && JSON.writeValueAsString(JSON.readTree(config.toFile()))
                            .equals(JSON.writeValueAsString(configJson(cfg)))) {
                return false;
            }
        } catch (IOException e) {
            // An unreadable marker: regenerate.
        }
        generate(cfg, dir, threads, progress);
        return true;
    }

    /** The options as written to synth_config.json. */
    public static ObjectNode configJson(SynthConfig cfg) {
        ObjectNode o = JSON.createObjectNode();
        o.put("generator_version", VERSION);
        o.put("ids", cfg.ids());
        o.put("seed", cfg.seed());
        o.put("size", cfg.height() + "x" + cfg.width());
        ArrayNode views = o.putArray("views");
        cfg.views().forEach(v -> views.add(v.fileName()));
        ArrayNode perId = o.putArray("images_per_id");
        perId.add(cfg.minImagesPerId()).add(cfg.maxImagesPerId());
        o.put("captions_per_image", cfg.captionsPerImage());
        o.put("omission_rate", cfg.omissionRate());
        o.put("noise_rate", cfg.noiseRate());
        o.put("view_dependent_share", cfg.viewDependentShare());
        o.put("near_duplicates", cfg.nearDuplicates());
        o.put("occlusion_rate", cfg.occlusionRate());
        o.put("cameras", cfg.cameras());
        ArrayNode ratios = o.putArray("split_ratios");
        cfg.splitRatios().forEach(ratios::add);
        o.put("image_format", cfg.imageFormat());
        return o;
    }

    private static void prepare(Path dir) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir))
                throw new DataException("synth: " + dir + " is a file, not a folder");
            Files.createDirectories(dir);
            List<String> foreign = new ArrayList<>();
            try (Stream<Path> entries = Files.list(dir)) {
                entries.forEach(p -> {
                    String name = p.getFileName().toString();
                    // Leftovers of an interrupted write (x.json.tmp) are ours too.
                    if (!OWN_FILES.contains(name.endsWith(".tmp") ? name.substring(0, name.length() - 4) : name))
                        foreign.add(name);
                });
            }
            if (!foreign.isEmpty()) {
                throw new DataException("synth: " + dir + " holds files that are not a synthetic dataset ("
                        + String.join(", ", foreign.subList(0, Math.min(3, foreign.size())))
                        + (foreign.size() > 3 ? ", ..." : "")
                        + "); choose an empty or new folder");
            }
            // An earlier output: remove it so no stale image survives.
            Files.deleteIfExists(dir.resolve(CONFIG_FILE));
            for (String own : OWN_FILES) Files.deleteIfExists(dir.resolve(own + ".tmp"));
            Path imgs = dir.resolve("imgs");
            if (Files.isDirectory(imgs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> tree = Files.walk(imgs)) {
                    for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
                }
            } else {
                Files.deleteIfExists(imgs);
            }
        } catch (IOException e) {
            throw new DataException("synth: cannot prepare " + dir + ": " + AtomicFile.reason(e), e);
        }
    }

    private static void drawAll(SyntheticPlan plan, Path imgs, int threads, PrintStream out) throws IOException {
        List<SyntheticImage> images = plan.images();
        int chunk = 32;
        try (Progress progress = new Progress(out, "synth", "images", images.size())) {
            if (threads == 1) {
                for (SyntheticImage img : images) {
                    drawOne(plan.config(), img, imgs);
                    progress.advance(1);
                }
                return;
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "weakpair-synth");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int from = 0; from < images.size(); from += chunk) {
                    List<SyntheticImage> part = images.subList(from, Math.min(images.size(), from + chunk));
                    futures.add(pool.submit(() -> {
                        for (SyntheticImage img : part) {
                            drawOne(plan.config(), img, imgs);
                            progress.advance(1);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataException("synth: interrupted");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() instanceof UncheckedIOException u ? u.getCause() : e.getCause();
                if (cause instanceof IOException io) throw io;
                if (cause instanceof RuntimeException re) throw re;
                throw new DataException("synth: drawing failed: " + cause, cause);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void drawOne(SynthConfig cfg, SyntheticImage img, Path imgs) {
        try {
            Files.write(imgs.resolve(img.filePath()), encode(render(cfg, img), cfg.imageFormat()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(8192);
        if (format.equals("png")) {
            if (!ImageIO.write(image, "png", bytes)) throw new IOException("no PNG writer");
            return bytes.toByteArray();
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.92f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    // ------------------------------------------------------------------ JSON

    private static List<ObjectNode> annotationRecords(SyntheticPlan plan) {
        List<ObjectNode> out = new ArrayList<>(plan.images().size());
        for (SyntheticImage img : plan.images()) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", img.id());
            o.put("file_path", img.filePath());
            ArrayNode captions = o.putArray("captions");
            ArrayNode tokens = o.putArray("processed_tokens");
            for (Caption c : img.captions()) {
                captions.add(c.text());
                ArrayNode t = tokens.addArray();
                for (String w : tokens(c.text())) t.add(w);
            }
            o.put("split", img.split().fileName());
            out.add(o);
        }
        return out;
    }

    private static List<ObjectNode> identityRecords(SyntheticPlan plan) {
        List<ObjectNode> out = new ArrayList<>(plan.identities().size());
        for (SyntheticIdentity who : plan.identities()) {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", who.id());
            o.put("split", who.split().fileName());
            if (who.nearDuplicateOf() != 0) o.put("near_duplicate_of", who.nearDuplicateOf());
            o.set("appearance", JSON.valueToTree(appearance(who.appearance())));
            out.add(o);
        }
        return out;
    }

    private static java.util.Map<String, Object> appearance(Identity p) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (var component : Identity.class.getRecordComponents()) {
            try {
                Object v = component.getAccessor().invoke(p);
                if (v == null) continue;
                m.put(
                        snake(component.getName()),
                        v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT) : v);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return m;
    }

    private static List<ObjectNode> imageRecords(SyntheticPlan plan) {
        List<ObjectNode> out = new ArrayList<>(plan.images().size());
        for (SyntheticImage img : plan.images()) {
            ObjectNode o = JSON.createObjectNode();
            o.put("file_path", img.filePath());
            o.put("id", img.id());
            o.put("view", img.view().fileName());
            o.put("camera", img.scene().camera());
            if (img.scene().occluded())
                o.put("occluder_top", Math.round(img.scene().occluderTop() * 1000) / 1000.0);
            ArrayNode visible = o.putArray("visible");
            for (AttributeKind k : AttributeKind.values()) if (img.visible().contains(k)) visible.add(k.jsonName());
            ArrayNode mentions = o.putArray("caption_mentions");
            for (Caption c : img.captions()) {
                ArrayNode m = mentions.addArray();
                for (AttributeKind k : AttributeKind.values()) if (c.mentions().contains(k)) m.add(k.jsonName());
            }
            out.add(o);
        }
        return out;
    }

    /** Lower-case word tokens without punctuation, as CUHK-PEDES's processed_tokens. */
    public static List<String> tokens(String caption) {
        List<String> out = new ArrayList<>();
        for (String t : caption.toLowerCase(Locale.ROOT).split("[^a-z0-9'-]+")) if (!t.isEmpty()) out.add(t);
        return out;
    }

    /** A JSON array with one compact record per line: small, diffable and readable. */
    private static void writeLines(Path file, List<ObjectNode> records) throws IOException {
        StringBuilder sb = new StringBuilder(records.size() * 256);
        sb.append("[\n");
        for (int i = 0; i < records.size(); i++) {
            sb.append(JSON.writeValueAsString(records.get(i))).append(i + 1 < records.size() ? ",\n" : "\n");
        }
        sb.append("]\n");
        writeAtomically(file, sb.toString());
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static <T> void shuffle(List<T> list, SplittableRandom rng) {
        for (int i = list.size() - 1; i > 0; i--) java.util.Collections.swap(list, i, rng.nextInt(i + 1));
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
