package io.weakpair.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.cli.Main;
import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import io.weakpair.testing.ChildJvm;
import io.weakpair.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Indexing a gallery survives being stopped: {@code weakpair index} runs in a child JVM, is
 * stopped by Ctrl-C (SIGINT: it commits and exits 130), run again and killed outright (SIGKILL:
 * only its periodic commits survive), then run a third time to the end. The index must then hold
 * every image exactly once, with the same ids and bit-identical vectors as one uninterrupted run.
 */
class IndexResumeTest {
    private static final int BATCH = 8, COMMIT_EVERY = 16;

    @TempDir
    Path dir;

    @Test
    void anIndexStoppedByCtrlCAndKilledResumesToTheSameIndexAsAnUninterruptedRun() throws Exception {
        Path gallery = dir.resolve("gallery");
        SyntheticGenerator.generate(SynthConfig.defaults().withIds(24).withSeed(11), gallery, 2, null);
        Path ck = dir.resolve("tiny.safetensors");
        CliRun init = CliRun.run("init", "--preset", "tiny", "--out", ck.toString(), "--seed", "3");
        assertEquals(0, init.code(), init.err());
        int total = GalleryImages.list(gallery, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                .size();
        assertTrue(total >= 6 * COMMIT_EVERY, "a gallery long enough to stop mid-way: " + total);

        Path reference = dir.resolve("reference");
        CliRun whole = CliRun.run(args(ck, gallery, reference));
        assertEquals(0, whole.code(), whole.err());

        Path resumed = dir.resolve("resumed");
        // 1. Ctrl-C once the first commit is visible: the child commits the batch in hand and exits 130.
        Path log1 = dir.resolve("run1.log");
        Process first = start(ck, gallery, resumed, log1);
        int afterFirstCommit = waitForCommit(first, resumed, 1, log1);
        new ProcessBuilder("kill", "-INT", Long.toString(first.pid()))
                .inheritIO()
                .start()
                .waitFor();
        assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the child stopped after SIGINT");
        String out1 = Files.readString(log1);
        assertEquals(130, first.exitValue(), out1);
        assertTrue(out1.contains("stopped by SIGINT"), out1);
        int afterInt = docs(resumed);
        assertTrue(afterInt >= afterFirstCommit && afterInt < total, afterInt + " of " + total + " after SIGINT");
        assertEquals(0, afterInt % BATCH, "a stop commits whole batches");

        // 2. Again, killed with SIGKILL (no handler runs) once it has committed more: only its commits survive.
        Path log2 = dir.resolve("run2.log");
        Process second = start(ck, gallery, resumed, log2);
        int seen = waitForCommit(second, resumed, afterInt + 1, log2);
        second.destroyForcibly(); // SIGKILL on Linux
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));
        assertEquals(137, second.exitValue(), Files.readString(log2));
        int afterKill = docs(resumed);
        assertTrue(afterKill >= seen && afterKill < total, afterKill + " of " + total + " after SIGKILL");

        // 3. To the end: only the images not yet committed are embedded.
        Path log3 = dir.resolve("run3.log");
        Process third = start(ck, gallery, resumed, log3);
        assertTrue(third.waitFor(120, TimeUnit.SECONDS), "the last run finished");
        String out3 = Files.readString(log3);
        assertEquals(0, third.exitValue(), out3);
        assertTrue(out3.contains("added " + (total - afterKill) + " images (" + afterKill + " already indexed"), out3);

        Map<Integer, String> paths = new TreeMap<>(), refPaths = new TreeMap<>();
        Map<Integer, float[]> vectors = new TreeMap<>(), refVectors = new TreeMap<>();
        read(resumed, paths, vectors);
        read(reference, refPaths, refVectors);
        assertEquals(total, paths.size(), "every image once");
        assertEquals(total, paths.values().stream().distinct().count(), "no path twice");
        assertEquals(refPaths, paths, "the same id for every image");
        for (int id : refVectors.keySet())
            assertArrayEquals(refVectors.get(id), vectors.get(id), "the vector of image " + id);
    }

    private static String[] args(Path ck, Path gallery, Path out) {
        return new String[] {
            "index",
            "--checkpoint",
            ck.toString(),
            "--gallery",
            gallery.toString(),
            "--out",
            out.toString(),
            "--batch",
            Integer.toString(BATCH),
            "--commit-every",
            Integer.toString(COMMIT_EVERY),
            "--device",
            "cpu"
        };
    }

    private static Process start(Path ck, Path gallery, Path out, Path log) throws IOException {
        return ChildJvm.start(Main.class, List.of("-Xmx1g"), List.of(args(ck, gallery, out)), log);
    }

    /** Polls the index until a commit holds at least {@code atLeast} images; returns how many. */
    private static int waitForCommit(Process child, Path index, int atLeast, Path log) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            int n = Files.isDirectory(index) ? docs(index) : 0;
            if (n >= atLeast) return n;
            if (!child.isAlive())
                throw new AssertionError(
                        "the child ended before committing " + atLeast + ":\n" + Files.readString(log));
            Thread.sleep(20);
        }
        throw new AssertionError("no commit of " + atLeast + " images within 60 s:\n" + Files.readString(log));
    }

    private static int docs(Path index) throws IOException {
        try (FSDirectory d = FSDirectory.open(index)) {
            if (!DirectoryReader.indexExists(d)) return 0;
            try (DirectoryReader r = DirectoryReader.open(d)) {
                return r.numDocs();
            }
        }
    }

    private static void read(Path index, Map<Integer, String> paths, Map<Integer, float[]> vectors) throws IOException {
        List<Integer> dup = new ArrayList<>();
        try (GalleryIndex g = GalleryIndex.open(index)) {
            g.forEach((hit, v) -> {
                if (paths.put(hit.imageId(), hit.path()) != null) dup.add(hit.imageId());
                vectors.put(hit.imageId(), v.clone());
            });
            assertEquals(paths.size(), g.size());
        }
        assertTrue(dup.isEmpty(), "ids stored twice: " + dup);
    }
}
