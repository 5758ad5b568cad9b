package io.weakpair.data.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.data.DataException;
import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetFormat;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.ImageCheck;
import io.weakpair.data.ReadOptions;
import io.weakpair.data.Split;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Determinism, layout, ground truth and the knobs of the synthetic benchmark. */
class SyntheticGeneratorTest {
    @TempDir
    Path tmp;

    private static SynthConfig small() {
        return SynthConfig.defaults().withIds(14).withSize(64, 24);
    }

    /** Every file under {@code dir}, relative path -> bytes. */
    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new java.util.TreeMap<>();
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.filter(Files::isRegularFile).toList())
                out.put(dir.relativize(p).toString(), Files.readAllBytes(p));
        }
        return out;
    }

    @Test
    void sameSeedGivesTheSameBytesWhateverTheThreadCount() throws IOException {
        Map<String, byte[]> one = files(
                SyntheticGenerator.generate(small(), tmp.resolve("a"), 1, null).dir());
        Map<String, byte[]> three = files(
                SyntheticGenerator.generate(small(), tmp.resolve("b"), 3, null).dir());
        assertEquals(one.keySet(), three.keySet());
        for (String name : one.keySet()) assertArrayEquals(one.get(name), three.get(name), name);
        assertTrue(one.keySet().stream().filter(n -> n.endsWith(".png")).count() >= 14 * 4);

        // Regenerating into an earlier output replaces it with the same bytes.
        SyntheticGenerator.generate(small(), tmp.resolve("a"), 2, null);
        Map<String, byte[]> again = files(tmp.resolve("a"));
        assertEquals(one.keySet(), again.keySet());
        for (String name : one.keySet()) assertArrayEquals(one.get(name), again.get(name), name);

        Map<String, byte[]> other = files(SyntheticGenerator.generate(small().withSeed(2), tmp.resolve("c"), 2, null)
                .dir());
        assertFalse(Arrays.equals(one.get("reid_raw.json"), other.get("reid_raw.json")));
        String firstImage = one.keySet().stream()
                .filter(n -> n.endsWith(".png"))
                .findFirst()
                .orElseThrow();
        assertFalse(other.containsKey(firstImage) && Arrays.equals(one.get(firstImage), other.get(firstImage)));
    }

    @Test
    void writesTheCuhkPedesLayoutThatTheReaderReads() {
        SynthConfig cfg = small();
        SyntheticGenerator.Result r = SyntheticGenerator.generate(cfg, tmp.resolve("d"), 2, null);
        Dataset d = DatasetReader.read(
                r.dir(),
                ReadOptions.defaults().withImageCheck(ImageCheck.DECODE).withStrict(true));
        assertEquals(DatasetFormat.CUHK_PEDES, d.format());
        assertEquals(r.plan().images().size(), d.report().recordsKept());
        int[] perSplit = cfg.identitiesPerSplit();
        for (Split s : Split.values()) {
            DatasetSplit split = d.split(s);
            assertEquals(perSplit[s.ordinal()], split.numIdentities(), s.toString());
            for (int l = 0; l < split.numIdentities(); l++) {
                int n = split.recordsOf(l).size();
                assertTrue(n >= cfg.minImagesPerId() && n <= cfg.maxImagesPerId(), "images of one identity: " + n);
            }
            split.records().forEach(rec -> assertEquals(2, rec.captions().size()));
        }
        // Images have the configured size.
        BufferedImage img = SyntheticGenerator.render(cfg, r.plan().images().get(0));
        assertEquals(64, img.getHeight());
        assertEquals(24, img.getWidth());
        assertTrue(Files.isRegularFile(r.dir().resolve(SyntheticGenerator.IMAGES_FILE)));
        assertTrue(Files.isRegularFile(r.dir().resolve(SyntheticGenerator.IDENTITIES_FILE)));
        assertFalse(
                SyntheticGenerator.ensure(cfg, r.dir(), 1, null), "a complete dataset with the same options is reused");
        assertTrue(SyntheticGenerator.ensure(cfg.withSeed(9), r.dir(), 1, null), "other options regenerate");
    }

    @Test
    void captionsMentionOnlyWhatTheirImageShows() {
        SyntheticPlan plan = SyntheticGenerator.plan(SynthConfig.defaults().withIds(400));
        Map<AttributeKind, List<String>> words = new EnumMap<>(AttributeKind.class);
        words.put(AttributeKind.BACKPACK, Appearance.Carried.BACKPACK.words());
        words.put(AttributeKind.HANDBAG, Appearance.Carried.HANDBAG.words());
        words.put(AttributeKind.SHOULDER_BAG, Appearance.Carried.SHOULDER_BAG.words());
        words.put(AttributeKind.LOGO, List.of("logo"));
        Map<AttributeKind, Integer> mentioned = new EnumMap<>(AttributeKind.class);
        Map<AttributeKind, Integer> hiddenButOwned = new EnumMap<>(AttributeKind.class);
        for (SyntheticImage img : plan.images()) {
            for (Caption c : img.captions()) {
                assertTrue(
                        img.visible().containsAll(c.mentions()), c.mentions() + " not all visible in " + img.visible());
                String text = c.text().toLowerCase(Locale.ROOT);
                for (Map.Entry<AttributeKind, List<String>> e : words.entrySet()) {
                    boolean says = e.getValue().stream().anyMatch(text::contains);
                    if (says) {
                        assertTrue(
                                img.visible().contains(e.getKey()),
                                "'" + c.text() + "' mentions " + e.getKey() + " but " + img.filePath() + " ("
                                        + img.view() + ") shows " + img.visible());
                        mentioned.merge(e.getKey(), 1, Integer::sum);
                    }
                    assertEquals(says, c.mentions().contains(e.getKey()), c.text());
                }
            }
            Identity who = img.identity().appearance();
            AttributeKind carried = AttributeKind.of(who.carried());
            if (carried != null && !img.visible().contains(carried)) hiddenButOwned.merge(carried, 1, Integer::sum);
            if (who.logo() && !img.visible().contains(AttributeKind.LOGO))
                hiddenButOwned.merge(AttributeKind.LOGO, 1, Integer::sum);
        }
        // The property is not vacuous: every view-dependent kind is both mentioned and, elsewhere, hidden.
        for (AttributeKind k : words.keySet()) {
            assertTrue(mentioned.getOrDefault(k, 0) > 20, k + " mentioned " + mentioned.get(k));
            assertTrue(hiddenButOwned.getOrDefault(k, 0) > 20, k + " hidden " + hiddenButOwned.get(k));
        }
    }

    @Test
    void viewDependentObjectsAreDrawnExactlyWhenVisible() {
        SynthConfig cfg = small().withIds(120).withRates(0.3, 0.05, 0.8, 0.3, 0.0);
        SyntheticPlan plan = SyntheticGenerator.plan(cfg);
        int checked = 0;
        for (SyntheticImage img : plan.images()) {
            Identity who = img.identity().appearance();
            AttributeKind carried = AttributeKind.of(who.carried());
            if (carried != null) {
                Identity.Builder without = who.toBuilder();
                without.carried = Appearance.Carried.NONE;
                assertEquals(
                        img.visible().contains(carried),
                        differs(cfg, img, who, without.build()),
                        carried + " in " + img.view() + " view of " + img.filePath());
                checked++;
            }
            if (who.logo()) {
                Identity.Builder without = who.toBuilder();
                without.logo = false;
                assertEquals(
                        img.visible().contains(AttributeKind.LOGO),
                        differs(cfg, img, who, without.build()),
                        "logo in " + img.view() + " view of " + img.filePath());
                checked++;
            }
            if (checked > 200) break;
        }
        assertTrue(checked > 100, "checked " + checked);
    }

    private static boolean differs(SynthConfig cfg, SyntheticImage img, Identity with, Identity without) {
        BufferedImage a = PersonRenderer.render(with, img.scene(), cfg.height(), cfg.width());
        BufferedImage b = PersonRenderer.render(without, img.scene(), cfg.height(), cfg.width());
        int[] pa = a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth());
        int[] pb = b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth());
        return !Arrays.equals(pa, pb);
    }

    @Test
    void occlusionHidesLegsAndShoes() {
        SynthConfig cfg = SynthConfig.defaults().withIds(300).withRates(0.3, 0.05, 0.5, 0.3, 1.0);
        int hiddenShoes = 0;
        for (SyntheticImage img : SyntheticGenerator.plan(cfg).images()) {
            assertTrue(img.scene().occluded());
            if (!img.visible().contains(AttributeKind.SHOES)) hiddenShoes++;
            if (!img.visible().contains(AttributeKind.SHOES)) {
                for (Caption c : img.captions()) assertFalse(c.mentions().contains(AttributeKind.SHOES));
            }
        }
        assertTrue(hiddenShoes > 100, "hidden shoes " + hiddenShoes);
        for (SyntheticImage img :
                SyntheticGenerator.plan(cfg.withRates(0.3, 0.05, 0.5, 0.3, 0.0)).images()) {
            assertTrue(
                    img.visible().containsAll(Set.of(AttributeKind.SHOES, AttributeKind.LOWER, AttributeKind.UPPER)));
        }
    }

    @Test
    void knobsDoWhatTheySay() {
        SynthConfig base = SynthConfig.defaults().withIds(200);
        // No view-dependent share: nothing carried, no logos.
        for (SyntheticIdentity who : SyntheticGenerator.plan(base.withRates(0.3, 0.05, 0.0, 0.3, 0.15))
                .identities()) {
            assertEquals(Appearance.Carried.NONE, who.appearance().carried());
            assertFalse(who.appearance().logo());
        }
        // Near-duplicates: none, or (nearly) all but the first of each split; duplicates differ in few attributes.
        assertTrue(SyntheticGenerator.plan(base.withRates(0.3, 0.05, 0.5, 0.0, 0.15)).identities().stream()
                .allMatch(i -> i.nearDuplicateOf() == 0));
        SyntheticPlan dup = SyntheticGenerator.plan(base.withRates(0.3, 0.05, 0.5, 1.0, 0.15));
        long copies =
                dup.identities().stream().filter(i -> i.nearDuplicateOf() != 0).count();
        assertTrue(copies >= 200 - 3 - 5, "copies " + copies);
        // Identities are all distinct.
        Set<Identity> looks = new HashSet<>();
        for (SyntheticIdentity who : dup.identities()) assertTrue(looks.add(who.appearance()));
        // Omission: more omitted means shorter captions; zero noise and zero omission is exact.
        double full = meanWords(SyntheticGenerator.plan(base.withRates(0.0, 0.0, 0.5, 0.3, 0.15)));
        double sparse = meanWords(SyntheticGenerator.plan(base.withRates(0.7, 0.0, 0.5, 0.3, 0.15)));
        assertTrue(full > sparse + 4, full + " vs " + sparse);
        for (SyntheticImage img : SyntheticGenerator.plan(base.withRates(0.0, 0.0, 0.5, 0.3, 0.15))
                .images()) {
            Set<AttributeKind> expected = new HashSet<>(img.visible());
            for (Caption c : img.captions()) {
                Set<AttributeKind> said = new HashSet<>(c.mentions());
                said.add(AttributeKind.BUILD);
                expected.add(AttributeKind.BUILD);
                assertEquals(expected, said, c.text());
                List<String> upper = img.identity().appearance().upperColour().words();
                assertTrue(
                        upper.stream().anyMatch(c.text().toLowerCase(Locale.ROOT)::contains),
                        c.text() + " lacks " + upper);
            }
        }
    }

    private static double meanWords(SyntheticPlan plan) {
        long words = 0, n = 0;
        for (SyntheticImage img : plan.images()) {
            for (Caption c : img.captions()) {
                words += c.text().split("\\s+").length;
                n++;
            }
        }
        return (double) words / n;
    }

    @Test
    void viewsAndSplitsFollowTheOptions() {
        SynthConfig cfg = new SynthConfig(
                30,
                3,
                64,
                24,
                List.of(View.FRONT, View.BACK),
                3,
                3,
                1,
                0.3,
                0.05,
                0.5,
                0.3,
                0.1,
                2,
                List.of(1.0, 0.0, 1.0),
                "jpg");
        SyntheticPlan plan = SyntheticGenerator.plan(cfg);
        assertEquals(90, plan.images().size());
        Set<View> views = new HashSet<>();
        List<Split> splits = new ArrayList<>();
        for (SyntheticImage img : plan.images()) {
            views.add(img.view());
            assertEquals(1, img.captions().size());
            assertTrue(img.filePath().endsWith(".jpg"));
            if (!splits.contains(img.split())) splits.add(img.split());
        }
        assertEquals(Set.of(View.FRONT, View.BACK), views);
        assertEquals(List.of(Split.TRAIN, Split.TEST), splits);
        assertArrayEquals(new int[] {15, 0, 15}, cfg.identitiesPerSplit());
    }

    @Test
    void refusesForeignFoldersAndBadOptions() throws IOException {
        Path foreign = tmp.resolve("mine");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("thesis.tex"), "precious");
        DataException e =
                assertThrows(DataException.class, () -> SyntheticGenerator.generate(small(), foreign, 1, null));
        assertTrue(e.getMessage().contains("not a synthetic dataset"), e.getMessage());
        assertEquals("precious", Files.readString(foreign.resolve("thesis.tex")));
        assertThrows(IllegalArgumentException.class, () -> small().withRates(1.0, 0, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> small().withRates(0.3, -0.1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> small().withSize(8, 8));
        assertThrows(IllegalArgumentException.class, () -> small().withIds(0));
        assertNotEquals(SyntheticGenerator.configJson(small()), SyntheticGenerator.configJson(small().withSeed(5)));
    }
}
