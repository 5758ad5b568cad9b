package io.weakpair.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.weakpair.data.DataRecord;
import io.weakpair.data.DatasetReader;
import io.weakpair.io.Safetensors;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** index, search (HNSW, exact, re-ranked), adding, refusing another checkpoint, skipping bad images, the OpenSearch export. */
class PersonSearchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static SearchFixture fx;

    @BeforeAll
    static void build() throws IOException {
        fx = SearchFixture.build(dir);
    }

    private static JsonNode search(String... extra) throws IOException {
        List<String> args =
                new ArrayList<>(List.of("search", "--index", fx.index().toString(), "--json", "--device", "cpu"));
        args.addAll(List.of(extra));
        CliRun r = CliRun.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return JSON.readTree(r.out());
    }

    @Test
    void topResultsEqualTheExactRankingOfTheEmbedFeatures() throws IOException {
        String caption = fx.captions().get(3);
        // The embed command's features of every gallery image and of the caption: the reference ranking.
        List<DataRecord> records = DatasetReader.read(fx.gallery()).records();
        Path captionFile = dir.resolve("caption.txt");
        Files.writeString(captionFile, caption + "\n", StandardCharsets.UTF_8);
        Path feats = dir.resolve("embed.safetensors");
        CliRun e = CliRun.run(
                "embed",
                "--checkpoint",
                fx.checkpoint().toString(),
                "--images",
                fx.gallery().resolve("imgs").toString(),
                "--captions",
                captionFile.toString(),
                "--output",
                feats.toString(),
                "--device",
                "cpu");
        assertEquals(0, e.code(), e.err());
        Map<String, Tensor> t = Safetensors.read(feats).tensors();
        float[] img = t.get("image_feat").toFloatArray(),
                txt = t.get("text_feat").toFloatArray();
        int d = txt.length, n = img.length / d;
        assertEquals(records.size(), n, "embed saw every gallery image");
        List<Path> files = new ArrayList<>();
        try (var s = Files.walk(fx.gallery().resolve("imgs"))) {
            s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        Map<String, Float> dot = new HashMap<>();
        for (int i = 0; i < n; i++) {
            float v = 0;
            for (int j = 0; j < d; j++) v += img[i * d + j] * txt[j];
            dot.put(files.get(i).toAbsolutePath().normalize().toString(), v);
        }
        List<Float> exact = new ArrayList<>(dot.values());
        exact.sort(Comparator.reverseOrder());

        JsonNode hnsw = search("--k", "10", caption).get("results");
        JsonNode scan = search("--k", "10", "--exact", caption).get("results");
        assertEquals(10, hnsw.size());
        for (int i = 0; i < 10; i++) {
            String path = hnsw.get(i).get("path").asText();
            assertEquals(
                    scan.get(i).get("image_id").asInt(),
                    hnsw.get(i).get("image_id").asInt(),
                    "HNSW equals the exact scan at rank " + (i + 1));
            assertEquals(
                    exact.get(i),
                    hnsw.get(i).get("score").floatValue(),
                    1e-4,
                    "rank " + (i + 1) + " has the exact ranking's score");
            assertEquals(
                    dot.get(path),
                    hnsw.get(i).get("score").floatValue(),
                    1e-4,
                    "rank " + (i + 1) + " is " + path + " with its embed score");
        }
    }

    @Test
    void rerankingOnlyReordersTheTopK() throws IOException {
        String caption = fx.captions().get(10);
        JsonNode plain = search("--k", "12", caption).get("results");
        JsonNode reranked = search("--k", "12", "--rerank", "5", caption).get("results");
        List<Integer> top = new ArrayList<>(), topAfter = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            top.add(plain.get(i).get("image_id").asInt());
            topAfter.add(reranked.get(i).get("image_id").asInt());
            assertTrue(reranked.get(i).has("match"), "re-ranked hits carry their ITM score");
            if (i > 0)
                assertTrue(
                        reranked.get(i - 1).get("match").floatValue()
                                >= reranked.get(i).get("match").floatValue(),
                        "ITM order");
        }
        assertEquals(top.stream().sorted().toList(), topAfter.stream().sorted().toList(), "the same five images");
        for (int i = 5; i < 12; i++) {
            assertEquals(
                    plain.get(i).get("image_id").asInt(),
                    reranked.get(i).get("image_id").asInt(),
                    "rank " + (i + 1) + " untouched");
            assertFalse(reranked.get(i).has("match"));
        }
    }

    @Test
    void addingAgainSkipsKnownImagesAndAnotherCheckpointIsRefused() throws IOException {
        Path copy = dir.resolve("index-copy");
        copyTree(fx.index(), copy);
        int before;
        try (GalleryIndex i = GalleryIndex.open(copy)) {
            before = i.size();
        }
        CliRun again = CliRun.run(
                "index",
                "--checkpoint",
                fx.checkpoint().toString(),
                "--gallery",
                fx.gallery().toString(),
                "--out",
                copy.toString(),
                "--device",
                "cpu");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("added 0 images (" + before + " already indexed"), again.out());

        Path other = dir.resolve("other.safetensors");
        assertEquals(
                0,
                CliRun.run(
                                "init",
                                "--preset",
                                "tiny",
                                "--vocab",
                                io.weakpair.model.ModelCheckpoint.vocabularyPath(fx.checkpoint())
                                        .toString(),
                                "--out",
                                other.toString(),
                                "--seed",
                                "6")
                        .code());
        CliRun refused = CliRun.run(
                "index",
                "--checkpoint",
                other.toString(),
                "--gallery",
                fx.gallery().toString(),
                "--out",
                copy.toString(),
                "--device",
                "cpu");
        assertEquals(1, refused.code());
        assertTrue(refused.err().contains("cannot be mixed"), refused.err());
        assertEquals(1, refused.err().strip().lines().count(), "one line: " + refused.err());
        CliRun wrongQuery = CliRun.run("search", "--index", copy.toString(), "--checkpoint", other.toString(), "a man");
        assertEquals(1, wrongQuery.code());
        assertTrue(wrongQuery.err().contains("is not the one that built"), wrongQuery.err());
        try (GalleryIndex i = GalleryIndex.open(copy)) {
            assertEquals(before, i.size(), "nothing added by the refused run");
        }
    }

    @Test
    void aFolderOfImagesWithABrokenOneIsIndexedWithoutIt() throws IOException {
        Path folder = dir.resolve("plain");
        Files.createDirectories(folder.resolve("sub"));
        List<Path> imgs = new ArrayList<>();
        try (var s = Files.walk(fx.gallery().resolve("imgs"))) {
            s.filter(Files::isRegularFile).sorted().limit(5).forEach(imgs::add);
        }
        for (int i = 0; i < imgs.size(); i++)
            Files.copy(imgs.get(i), folder.resolve(i % 2 == 0 ? "sub" : ".").resolve("p" + i + ".png"));
        Files.writeString(folder.resolve("sub/broken.png"), "not a png");
        Path index = dir.resolve("plain-index");
        CliRun r = CliRun.run(
                "index",
                "--checkpoint",
                fx.checkpoint().toString(),
                "--gallery",
                folder.toString(),
                "--out",
                index.toString(),
                "--batch",
                "4",
                "--device",
                "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("broken.png"), "the unreadable image is named: " + r.out());
        assertTrue(r.out().contains("added 5 images (0 already indexed, 1 unreadable skipped)"), r.out());
        try (GalleryIndex i = GalleryIndex.open(index)) {
            assertEquals(5, i.size());
            assertEquals(-1, i.image(0).orElseThrow().identity(), "a plain folder has no identities");
        }
    }

    @Test
    void featuresIndexAndOpenSearchExportCarryTheSameVectors() throws IOException {
        int n = 7, d = 128;
        SplittableRandom rng = new SplittableRandom(1);
        float[] v = new float[n * d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < d; j++) norm += Math.pow(v[i * d + j] = (float) rng.nextGaussian(), 2);
            for (int j = 0; j < d; j++) v[i * d + j] /= (float) Math.sqrt(norm);
        }
        Path feats = dir.resolve("feats.safetensors");
        Safetensors.write(
                feats,
                Map.of("image_feat", Tensor.of(v, n, d), "identity", Tensor.ofInts(new int[] {3, 3, 4, 5, 6, 7, 8}, n)),
                Map.of());
        Path index = dir.resolve("feature-index"), bulk = dir.resolve("export/gallery.ndjson");
        CliRun r = CliRun.run(
                "index",
                "--checkpoint",
                fx.checkpoint().toString(),
                "--features",
                feats.toString(),
                "--out",
                index.toString(),
                "--export-opensearch",
                bulk.toString(),
                "--max-conn",
                "8",
                "--beam-width",
                "50");
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(bulk);
        assertEquals(2 * n, lines.size(), "an action and a document per image");
        assertTrue(Files.readString(bulk).endsWith("\n"), "the bulk API needs a final newline");
        for (int i = 0; i < n; i++) {
            JsonNode action = JSON.readTree(lines.get(2 * i)).get("index");
            JsonNode doc = JSON.readTree(lines.get(2 * i + 1));
            assertEquals("weakpair-gallery", action.get("_index").asText());
            assertEquals(doc.get("image_id").asText(), action.get("_id").asText());
            int row = Integer.parseInt(doc.get("path").asText().replaceAll(".*#", ""));
            float[] got = new float[d];
            for (int j = 0; j < d; j++) got[j] = doc.get("vector").get(j).floatValue();
            float[] want = java.util.Arrays.copyOfRange(v, row * d, (row + 1) * d);
            assertArrayEquals(want, got, 0f, "row " + row + " exported bit for bit");
            assertEquals(row < 2 ? 3 : row + 2, doc.get("identity").asInt());
            assertEquals(64, doc.get("checkpoint_sha256").asText().length());
        }
        JsonNode mapping = JSON.readTree(OpenSearchExport.mappingPath(bulk).toFile());
        assertTrue(mapping.at("/settings/index/knn").asBoolean());
        JsonNode vector = mapping.at("/mappings/properties/vector");
        assertEquals("knn_vector", vector.get("type").asText());
        assertEquals(d, vector.get("dimension").asInt());
        assertEquals("lucene", vector.at("/method/engine").asText());
        assertEquals("innerproduct", vector.at("/method/space_type").asText());
        assertEquals(8, vector.at("/method/parameters/m").asInt());
        assertEquals(50, vector.at("/method/parameters/ef_construction").asInt());

        // A row that is not a unit vector is refused with its row named, and nothing is committed.
        v[2 * d] += 1f;
        Path badFeats = dir.resolve("bad-feats.safetensors");
        Safetensors.write(badFeats, Map.of("image_feat", Tensor.of(v, n, d)), Map.of());
        CliRun bad = CliRun.run(
                "index",
                "--checkpoint",
                fx.checkpoint().toString(),
                "--features",
                badFeats.toString(),
                "--out",
                dir.resolve("bad-index").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("#2 has length"), bad.err());
    }

    @Test
    void int8AndParallelBuildsKeepIdsVectorsAndFindTheExactNeighbours() throws IOException {
        // 600 unit vectors in 60 tight clusters: a graph index should find nearly every exact neighbour.
        int n = 600, d = 128;
        SplittableRandom rng = new SplittableRandom(5);
        float[][] centres = new float[60][d];
        for (float[] c : centres) for (int j = 0; j < d; j++) c[j] = (float) rng.nextGaussian();
        float[] v = new float[n * d];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < d; j++)
                norm += Math.pow(v[i * d + j] = centres[i % 60][j] + 0.5f * (float) rng.nextGaussian(), 2);
            for (int j = 0; j < d; j++) v[i * d + j] /= (float) Math.sqrt(norm);
        }
        Path feats = dir.resolve("cluster-feats.safetensors");
        Safetensors.write(feats, Map.of("image_feat", Tensor.of(v, n, d)), Map.of());
        for (String[] opts : List.of(
                new String[] {"--quantize", "int8", "--build-threads", "1"},
                new String[] {"--quantize", "none", "--build-threads", "3"},
                new String[] {"--quantize", "int8", "--build-threads", "2"})) {
            Path index = dir.resolve("opt-index-" + String.join("-", opts).replace("--", ""));
            List<String> args = new java.util.ArrayList<>(List.of(
                    "index",
                    "--checkpoint",
                    fx.checkpoint().toString(),
                    "--features",
                    feats.toString(),
                    "--out",
                    index.toString(),
                    "--ram-buffer-mb",
                    "16",
                    "--force-merge"));
            args.addAll(List.of(opts));
            CliRun r = CliRun.run(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            try (GalleryIndex g = GalleryIndex.open(index)) {
                assertEquals(
                        opts[1].equals("int8") ? IndexMetadata.INT8 : IndexMetadata.FLOAT32,
                        g.metadata().encoding());
                assertEquals(n, g.size());
                // Ids follow the rows whatever the threads, and the stored floats are the rows bit for bit.
                int[] seen = {0};
                g.forEach((hit, vec) -> {
                    int row = Integer.parseInt(hit.path().replaceAll(".*#", ""));
                    assertEquals(row, hit.imageId(), hit.path());
                    assertArrayEquals(java.util.Arrays.copyOfRange(v, row * d, (row + 1) * d), vec, 0f);
                    seen[0]++;
                });
                assertEquals(n, seen[0]);
                int found = 0;
                for (int q = 0; q < 20; q++) {
                    float[] query = java.util.Arrays.copyOfRange(v, q * 29 * d, (q * 29 + 1) * d);
                    List<Hit> exact = g.exactSearch(query, 10), approx = g.search(query, 10, 100);
                    java.util.Set<Integer> truth = new java.util.HashSet<>();
                    for (Hit h : exact) truth.add(h.imageId());
                    for (Hit h : approx) if (truth.contains(h.imageId())) found++;
                    // The int8 graph's candidates are ranked by their float scores: the reported score is the exact
                    // one.
                    assertEquals(exact.get(0).score(), approx.get(0).score(), 1e-6f, String.join(" ", opts));
                }
                assertTrue(found >= 190, String.join(" ", opts) + ": recall@10 " + found / 200.0);
            }
        }
        CliRun bad = CliRun.run(
                "index",
                "--checkpoint",
                fx.checkpoint().toString(),
                "--features",
                feats.toString(),
                "--out",
                dir.resolve("never").toString(),
                "--quantize",
                "int4");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--quantize must be none or int8"), bad.err());
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        String idx = fx.index().toString();
        for (String[] args : List.of(
                new String[] {"search", "--index", idx, "--k", "0", "a man"},
                new String[] {"search", "--index", idx, " "},
                new String[] {"search", "--index", idx, "--rerank", "-1", "a man"},
                new String[] {"serve", "--index", idx, "--port", "70000"},
                new String[] {"index", "--checkpoint", fx.checkpoint().toString()})) {
            CliRun r = CliRun.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
        CliRun missing = CliRun.run("search", "--index", dir.resolve("nowhere").toString(), "a man");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("no such folder"), missing.err());
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator)
                Files.copy(p, to.resolve(from.relativize(p).toString()));
        }
    }
}
