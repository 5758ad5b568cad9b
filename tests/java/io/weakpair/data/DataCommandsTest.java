package io.weakpair.data;

import static io.weakpair.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import io.weakpair.testing.CliRun;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `weakpair synth`, `weakpair data stats` and `weakpair data preview` end to end. */
class DataCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void synthThenStatsThenPreview() throws Exception {
        Path dir = tmp.resolve("synth");
        CliRun synth = run("synth", "--out", dir.toString(), "--ids", "20", "--threads", "2");
        assertEquals(0, synth.code(), synth.err());
        assertTrue(synth.out().contains("20 identities (train 14 / val 2 / test 4)"), synth.out());
        // Every option left at its default matches SynthConfig.defaults().
        String written = Files.readString(dir.resolve(SyntheticGenerator.CONFIG_FILE));
        assertEquals(
                DataFixtures.JSON
                        .readTree(SyntheticGenerator.configJson(
                                        SynthConfig.defaults().withIds(20))
                                .toString())
                        .toString(),
                DataFixtures.JSON.readTree(written).toString());

        CliRun stats = run("data", "stats", dir.toString());
        assertEquals(0, stats.code(), stats.err());
        assertTrue(stats.out().contains("CUHK-PEDES format"), stats.out());
        assertTrue(
                stats.out()
                        .matches(
                                "(?s).*\\ntrain\\s+14\\s+\\d+\\s+\\d+\\s+\\d+ / [\\d.]+ / \\d+\\s+\\d+ / [\\d.]+ / \\d+\\n.*"),
                stats.out());
        assertTrue(stats.out().contains("skipped none"), stats.out());

        Path png = tmp.resolve("grid.png");
        CliRun preview = run(
                "data",
                "preview",
                dir.toString(),
                "--out",
                png.toString(),
                "--count",
                "7",
                "--columns",
                "4",
                "--split",
                "test");
        assertEquals(0, preview.code(), preview.err());
        BufferedImage sheet = ImageIO.read(png.toFile());
        assertTrue(
                sheet.getWidth() > 4 * 200 && sheet.getHeight() > 2 * 200, sheet.getWidth() + "x" + sheet.getHeight());
    }

    @Test
    void statsCountsSkippedRecordsAndStrictFails() throws Exception {
        Path root = tmp.resolve("mini");
        DataFixtures.writeImage(root.resolve("imgs/a.png"), 30, 12, 1);
        DataFixtures.writeImage(root.resolve("imgs/b.png"), 30, 12, 2);
        var array = DataFixtures.JSON.createArrayNode();
        array.add(DataFixtures.record(1, "img_path", "a.png", "train", "one two three", "four five"));
        array.add(DataFixtures.record(1, "img_path", "b.png", "train", "six"));
        array.add(DataFixtures.record(2, "img_path", "gone.png", "test", "seven"));
        array.add(DataFixtures.record(2, "img_path", "a.png", "test", ""));
        DataFixtures.writeJson(root.resolve("data_captions.json"), array);
        CliRun stats = run("data", "stats", root.toString());
        assertEquals(0, stats.code(), stats.err());
        assertTrue(stats.out().contains("RSTPReid format"), stats.out());
        assertTrue(
                stats.out().contains("kept 2 of 4 records; skipped 2: 1 empty caption, 1 missing image"), stats.out());
        assertTrue(stats.out().contains("record 2 (gone.png): missing image"), stats.out());
        assertTrue(
                stats.out().matches("(?s).*\\ntrain\\s+1\\s+2\\s+3\\s+1 / 2\\.0 / 3\\s+2 / 2\\.00 / 2\\n.*"),
                stats.out());
        CliRun strict = run("data", "stats", root.toString(), "--strict");
        assertEquals(1, strict.code());
        assertEquals(1, strict.err().strip().lines().count(), strict.err());
        assertTrue(strict.err().startsWith("weakpair data stats: error: 2 bad records"), strict.err());
    }

    @Test
    void badOptionsAreOneLineErrors() {
        for (String[] args : new String[][] {
            {"synth", "--out", tmp.resolve("x").toString(), "--size", "big"},
            {"synth", "--out", tmp.resolve("x").toString(), "--views", "front,top"},
            {"synth", "--out", tmp.resolve("x").toString(), "--omission-rate", "1.5"},
            {"synth", "--out", tmp.resolve("x").toString(), "--split-ratios", "0.5,0.5"},
            {"data", "stats", tmp.resolve("nothing-here").toString()},
            {"data", "preview", tmp.resolve("nothing-here").toString(), "--split", "dev"}
        }) {
            CliRun r = run(args);
            // A bad option value is bad usage (2); a dataset folder that is not there is a failure while running (1).
            int expected = args[1].equals("stats") ? 1 : 2;
            assertEquals(expected, r.code(), String.join(" ", args));
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("error: "), r.err());
        }
        CliRun help = run("data", "preview", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--count"), help.out());
        CliRun synthHelp = run("synth", "--help");
        assertTrue(synthHelp.out().contains("--near-duplicates"), synthHelp.out());
    }
}
