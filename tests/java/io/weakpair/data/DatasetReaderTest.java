package io.weakpair.data;

import static io.weakpair.data.DataFixtures.JSON;
import static io.weakpair.data.DataFixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three annotation formats, with every kind of bad record, skipped by default and fatal when strict. */
class DatasetReaderTest {
    @TempDir
    Path tmp;

    /** One bad record the fixture plants, and how the reader must report it. */
    private record Planted(int index, String path, DataIssue.Kind kind) {}

    /**
     * Writes a dataset with 7 good records (ids 5 and 9 in train, 3 in val or train, 11 in test)
     * followed by one record of every bad kind. Returns the planted issues in index order.
     */
    private List<Planted> writeDataset(Path root, DatasetFormat format, String fileName, boolean hasVal) {
        String f = format.pathField();
        Path imgs = root.resolve("imgs");
        ArrayNode array = JSON.createArrayNode();
        String val = hasVal ? "val" : "train";
        String[][] good = {
            {"5", "cam_a/p0.png", "train"}, {"5", "cam_b/p1.jpg", "train"}, {"9", "cam_a/p2.png", "train"},
            {"9", "cam_b/p3.png", "train"}, {"11", "cam_a/p4.png", "test"}, {"11", "cam_b/p5.png", "test"},
            {"3", "p6.png", val}
        };
        for (int i = 0; i < good.length; i++) {
            DataFixtures.writeImage(imgs.resolve(good[i][1]), 30 + i, 12 + i, i);
            array.add(record(
                    Integer.parseInt(good[i][0]),
                    f,
                    good[i][1],
                    good[i][2],
                    "A person in a coat number " + i + ".",
                    "Someone walking, caption two of " + i + "."));
        }
        // 7: a corrupt JPEG (not an image at all)
        DataFixtures.write(imgs.resolve("corrupt.jpg"), "this is not a JPEG".getBytes());
        array.add(record(5, f, "corrupt.jpg", "train", "a caption"));
        // 8: a missing file
        array.add(record(5, f, "cam_a/missing.png", "train", "a caption"));
        // 9: a path with ..
        DataFixtures.writeImage(root.resolve("outside.png"), 10, 10, 99);
        array.add(record(5, f, "../outside.png", "train", "a caption"));
        // 10: an empty caption
        array.add(record(5, f, "cam_a/p0.png", "train", "fine caption", "   "));
        // 11: a wrong-typed id
        ObjectNode wrongId = record(5, f, "cam_a/p0.png", "train", "a caption");
        wrongId.put("id", "5");
        array.add(wrongId);
        // 12: not an object at all
        array.add(42);
        // 13: an absolute path
        array.add(record(5, f, "/etc/passwd", "train", "a caption"));
        // 14: captions that are not an array
        ObjectNode capString = record(5, f, "cam_a/p0.png", "train");
        capString.put("captions", "a single string");
        array.add(capString);
        // 15: an unknown split
        array.add(record(5, f, "cam_a/p0.png", "dev", "a caption"));
        // 16: a symbolic link inside imgs/ that leads out of it
        try {
            Files.createSymbolicLink(imgs.resolve("link.png"), root.resolve("outside.png"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        array.add(record(5, f, "link.png", "train", "a caption"));
        // 17: no captions field
        ObjectNode noCaptions = record(5, f, "cam_a/p0.png", "train");
        noCaptions.remove("captions");
        array.add(noCaptions);
        DataFixtures.writeJson(root.resolve(fileName), array);
        return List.of(
                new Planted(7, "corrupt.jpg", DataIssue.Kind.UNDECODABLE_IMAGE),
                new Planted(8, "cam_a/missing.png", DataIssue.Kind.MISSING_IMAGE),
                new Planted(9, "../outside.png", DataIssue.Kind.UNSAFE_PATH),
                new Planted(10, "cam_a/p0.png", DataIssue.Kind.EMPTY_CAPTION),
                new Planted(11, "cam_a/p0.png", DataIssue.Kind.WRONG_TYPE),
                new Planted(12, "?", DataIssue.Kind.MALFORMED_RECORD),
                new Planted(13, "/etc/passwd", DataIssue.Kind.UNSAFE_PATH),
                new Planted(14, "cam_a/p0.png", DataIssue.Kind.WRONG_TYPE),
                new Planted(15, "cam_a/p0.png", DataIssue.Kind.BAD_SPLIT),
                new Planted(16, "link.png", DataIssue.Kind.UNSAFE_PATH),
                new Planted(17, "cam_a/p0.png", DataIssue.Kind.MISSING_FIELD));
    }

    private void checkSkippedAndStrict(Path root, DatasetFormat format, List<Planted> planted, boolean hasVal) {
        Dataset d = DatasetReader.read(root);
        assertEquals(format, d.format());
        LoadReport report = d.report();
        assertEquals(7 + planted.size(), report.recordsRead());
        assertEquals(7, report.recordsKept());
        assertEquals(planted.size(), report.skipped());
        for (int i = 0; i < planted.size(); i++) {
            DataIssue issue = report.issues().get(i);
            Planted want = planted.get(i);
            assertEquals(want.index(), issue.index(), "index of " + issue);
            assertEquals(want.path(), issue.path(), "path of " + issue);
            assertEquals(want.kind(), issue.kind(), "kind of " + issue);
            assertTrue(
                    issue.toString().startsWith("record " + want.index() + " (" + want.path() + "): "),
                    issue.toString());
        }
        Map<DataIssue.Kind, Integer> counts = report.countsByKind();
        assertEquals(3, counts.get(DataIssue.Kind.UNSAFE_PATH));
        assertEquals(2, counts.get(DataIssue.Kind.WRONG_TYPE));
        assertTrue(report.summary().contains("kept 7 of " + (7 + planted.size()) + " records"), report.summary());
        assertTrue(report.summary().contains("3 path outside the dataset"), report.summary());

        // Identities are relabelled per split in increasing id order.
        DatasetSplit train = d.split(Split.TRAIN);
        assertEquals(hasVal ? 2 : 3, train.numIdentities());
        int first = hasVal ? 5 : 3;
        assertEquals(first, train.idOfLabel(0));
        for (DataRecord r : train.records()) assertEquals(r.id(), train.idOfLabel(r.label()));
        assertEquals(1, d.split(Split.TEST).numIdentities());
        assertEquals(0, d.split(Split.TEST).records().get(0).label());
        assertEquals(hasVal ? 1 : 0, d.split(Split.VAL).numIdentities());
        assertEquals(2, d.split(Split.TEST).numImages());
        assertEquals(4, d.split(Split.TEST).numCaptions());
        for (DataRecord r : d.records())
            assertTrue(
                    r.image().startsWith(root.resolve("imgs").toAbsolutePath().normalize()));

        DataException strict = assertThrows(
                DataException.class,
                () -> DatasetReader.read(root, ReadOptions.defaults().withStrict(true)));
        assertTrue(strict.getMessage().contains(planted.size() + " bad records"), strict.getMessage());
        assertTrue(strict.getMessage().contains("record 7 (corrupt.jpg): undecodable image"), strict.getMessage());
        assertTrue(strict.getMessage().contains("record 8 (cam_a/missing.png): missing image"), strict.getMessage());
        assertTrue(strict.getMessage().contains("and " + (planted.size() - 3) + " more"), strict.getMessage());
    }

    @Test
    void cuhkPedesReportsEveryBadRecordAndSkipsIt() {
        Path root = tmp.resolve("CUHK-PEDES");
        List<Planted> planted = writeDataset(root, DatasetFormat.CUHK_PEDES, "reid_raw.json", true);
        checkSkippedAndStrict(root, DatasetFormat.CUHK_PEDES, planted, true);
    }

    @Test
    void icfgPedesUnderBothFileNamesWithoutVal() {
        Path a = tmp.resolve("ICFG-PEDES");
        checkSkippedAndStrict(
                a,
                DatasetFormat.ICFG_PEDES,
                writeDataset(a, DatasetFormat.ICFG_PEDES, "ICFG-PEDES.json", false),
                false);
        Path b = tmp.resolve("icfg-underscore");
        checkSkippedAndStrict(
                b,
                DatasetFormat.ICFG_PEDES,
                writeDataset(b, DatasetFormat.ICFG_PEDES, "ICFG_PEDES.json", false),
                false);
    }

    @Test
    void rstpReidUsesImgPath() {
        Path root = tmp.resolve("RSTPReid");
        List<Planted> planted = writeDataset(root, DatasetFormat.RSTPREID, "data_captions.json", true);
        checkSkippedAndStrict(root, DatasetFormat.RSTPREID, planted, true);
        // Read as CUHK-PEDES by mistake: no annotation file of that format.
        DataException e = assertThrows(
                DataException.class,
                () -> DatasetReader.read(root, ReadOptions.defaults().withFormat(DatasetFormat.CUHK_PEDES)));
        assertTrue(e.getMessage().contains("no CUHK-PEDES annotation file"), e.getMessage());
    }

    @Test
    void formatDetectionNeedsExactlyOneAnnotationFile() {
        Path root = tmp.resolve("both");
        DataFixtures.writeJson(root.resolve("reid_raw.json"), JSON.createArrayNode());
        DataFixtures.writeJson(root.resolve("data_captions.json"), JSON.createArrayNode());
        DataException ambiguous = assertThrows(DataException.class, () -> DatasetReader.read(root));
        assertTrue(ambiguous.getMessage().contains("ambiguous"), ambiguous.getMessage());
        Path empty = tmp.resolve("empty");
        empty.toFile().mkdirs();
        DataException none = assertThrows(DataException.class, () -> DatasetReader.read(empty));
        assertTrue(none.getMessage().contains("no dataset in"), none.getMessage());
        DataException missing = assertThrows(DataException.class, () -> DatasetReader.read(tmp.resolve("nope")));
        assertTrue(missing.getMessage().contains("not found"), missing.getMessage());
        assertEquals(DatasetFormat.ICFG_PEDES, DatasetFormat.parse("icfg_pedes"));
        assertEquals(DatasetFormat.RSTPREID, DatasetFormat.parse("RSTPReid"));
        assertThrows(IllegalArgumentException.class, () -> DatasetFormat.parse("market1501"));
    }

    @Test
    void malformedJsonIsFatalWithLineAndColumn() throws Exception {
        Path root = tmp.resolve("broken");
        DataFixtures.write(
                root.resolve("reid_raw.json"),
                "[\n {\"id\": 1, \"file_path\": \"a.png\",\n  \"captions\": [\"x\"] \n".getBytes());
        DataException e = assertThrows(DataException.class, () -> DatasetReader.read(root));
        assertTrue(e.getMessage().contains("malformed JSON at line"), e.getMessage());
        assertTrue(e.getMessage().contains("reid_raw.json"), e.getMessage());

        Files.writeString(root.resolve("reid_raw.json"), "{\"id\": 1}");
        DataException notArray = assertThrows(DataException.class, () -> DatasetReader.read(root));
        assertTrue(
                notArray.getMessage().contains("expected a JSON array of records, found an object"),
                notArray.getMessage());
    }

    @Test
    void nothingUsableIsAnErrorThatSaysWhy() {
        Path root = tmp.resolve("allbad");
        ArrayNode array = JSON.createArrayNode();
        array.add(record(1, "file_path", "gone.png", "train", "a caption"));
        DataFixtures.writeJson(root.resolve("reid_raw.json"), array);
        DataException e = assertThrows(DataException.class, () -> DatasetReader.read(root));
        assertTrue(e.getMessage().contains("no usable records"), e.getMessage());
        assertTrue(e.getMessage().contains("record 0 (gone.png): missing image"), e.getMessage());
    }

    @Test
    void imageCheckLevels() throws Exception {
        Path root = tmp.resolve("levels");
        Path good = DataFixtures.writeImage(root.resolve("imgs/good.png"), 40, 20, 1);
        byte[] png = Files.readAllBytes(good);
        // The header (signature and IHDR) survives, the pixel data does not.
        DataFixtures.write(root.resolve("imgs/truncated.png"), Arrays.copyOf(png, 60));
        DataFixtures.write(root.resolve("imgs/text.png"), "hello".getBytes());
        ArrayNode array = JSON.createArrayNode();
        array.add(record(1, "file_path", "good.png", "train", "a"));
        array.add(record(1, "file_path", "truncated.png", "train", "b"));
        array.add(record(2, "file_path", "text.png", "train", "c"));
        array.add(record(2, "file_path", "absent.png", "train", "d"));
        DataFixtures.writeJson(root.resolve("reid_raw.json"), array);

        assertEquals(
                4,
                DatasetReader.read(root, ReadOptions.defaults().withImageCheck(ImageCheck.NONE))
                        .report()
                        .recordsKept());
        assertEquals(
                3,
                DatasetReader.read(root, ReadOptions.defaults().withImageCheck(ImageCheck.EXISTS))
                        .report()
                        .recordsKept());
        Dataset header = DatasetReader.read(root, ReadOptions.defaults().withImageCheck(ImageCheck.HEADER));
        assertEquals(2, header.report().recordsKept());
        Dataset decode = DatasetReader.read(
                root, ReadOptions.defaults().withImageCheck(ImageCheck.DECODE).withThreads(1));
        assertEquals(1, decode.report().recordsKept());
        DataIssue truncated = decode.report().issues().get(0);
        assertEquals(1, truncated.index());
        assertEquals(DataIssue.Kind.UNDECODABLE_IMAGE, truncated.kind());

        // What slipped past the header check fails later, in the pipeline, naming its record.
        DataRecord slipped = header.split(Split.TRAIN).records().stream()
                .filter(r -> r.index() == 1)
                .findFirst()
                .orElseThrow();
        BatchAssembler assembler = new BatchAssembler(ImageTransform.imagenet(8, 4));
        DataException e = assertThrows(
                DataException.class,
                () -> assembler.assemble(new BatchPlan(0, List.of(new Instance(slipped, 0, false)))));
        assertTrue(e.getMessage().startsWith("record 1 (truncated.png): cannot load image"), e.getMessage());
    }

    @Test
    void safePathsRejectEscapesButAllowALinkedImageFolder() throws Exception {
        Path data = tmp.resolve("elsewhere/imgs");
        DataFixtures.writeImage(data.resolve("a.png"), 10, 10, 1);
        Path root = tmp.resolve("linked");
        Files.createDirectories(root);
        Files.createSymbolicLink(root.resolve("imgs"), data);
        SafePaths paths = new SafePaths(root.resolve("imgs"));
        assertNotNull(paths.resolve("a.png"));
        assertNotNull(paths.resolve("sub\\b.png"));
        for (String bad : List.of("..\\x.png", "a/../../x.png", "/abs.png", "C:\\x.png", "", "a\0b.png")) {
            assertThrows(SafePaths.UnsafePathException.class, () -> paths.resolve(bad), bad);
        }
    }

    @Test
    void readOptionsValidate() {
        assertThrows(
                IllegalArgumentException.class, () -> ReadOptions.defaults().withThreads(0));
        assertThrows(IllegalArgumentException.class, () -> ImageCheck.parse("thorough"));
        assertEquals(ImageCheck.DECODE, ImageCheck.parse("Decode"));
        assertThrows(IllegalArgumentException.class, () -> Split.parse("dev"));
        assertEquals(Split.VAL, Split.parse(" VAL "));
        assertNull(ImageFiles.check(tmp.resolve("whatever"), ImageCheck.NONE));
        assertFalse(ImageFiles.check(tmp.resolve("whatever"), ImageCheck.EXISTS) == null);
    }
}
