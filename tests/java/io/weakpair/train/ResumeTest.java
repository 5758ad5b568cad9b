package io.weakpair.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped after its first checkpoint, by SIGKILL or by Ctrl-C (SIGINT), resumes from its
 * newest checkpoint and finishes: the same steps, each logged once, up to the same end, and (at
 * a fixed thread count on the CPU) with the straight run's weights, log and metrics bit for bit.
 * Each run is a child JVM of the real command line, so the kill is a real one.
 *
 * <p>The bit-for-bit comparison found a real bug: the loop compared each epoch with the run
 * state it reassigns at every epoch's end, so a straight run replayed epoch 0's batches in every
 * epoch while a resumed one drew the sampler's true next epoch.
 */
class ResumeTest {
    @TempDir
    static Path dir;

    static Path data;
    static Path straight;

    private static final String[] SETTINGS = {
        "--init",
        "none",
        "--batch",
        "4x2",
        "--epochs",
        "2",
        "--warmup",
        "5",
        "--k-test",
        "4",
        "--lambda-mlm",
        "1",
        "--matching",
        "gitm",
        "--set",
        "matching_epochs=0",
        "--set",
        "image_size=64x32",
        "--set",
        "eval_batch=64",
        "--set",
        "keep_checkpoints=5"
    };

    @BeforeAll
    static void straightRun() throws Exception {
        data = dir.resolve("synth");
        SyntheticGenerator.generate(SynthConfig.defaults().withIds(24).withSize(64, 32), data, 2, null);
        straight = dir.resolve("straight");
        Process p = start(straight.resolveSibling("straight.out"), train(straight));
        assertEquals(0, waitFor(p, straight.resolveSibling("straight.out")), "the straight run");
    }

    private static String[] train(Path run) {
        List<String> a = new ArrayList<>(List.of("train", data.toString(), "--run-dir", run.toString()));
        a.addAll(List.of(SETTINGS));
        return a.toArray(String[]::new);
    }

    private static Process start(Path output, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                "io.weakpair.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("WEAKPAIR_THREADS", "2");
        return pb.start();
    }

    private static int waitFor(Process p, Path output) throws Exception {
        if (!p.waitFor(900, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child did not finish in 900 s: " + Files.readString(output));
        }
        return p.exitValue();
    }

    /** Starts a run and waits until its first checkpoint is complete. */
    private static Process startAndWaitForCheckpoint(Path run, Path output) throws Exception {
        Process p = start(output, train(run));
        Path latest = run.resolve("checkpoints").resolve("latest");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!Files.exists(latest)) {
            assertTrue(p.isAlive(), "the run ended before its first checkpoint: " + Files.readString(output));
            assertTrue(System.nanoTime() < deadline, "no checkpoint within 240 s");
            Thread.sleep(5);
        }
        return p;
    }

    /** The mechanics: every step logged once, in order, and the evaluation written. */
    private static void assertCompleteLike(Path run) throws IOException {
        List<String> straightLog = Files.readAllLines(straight.resolve("log.jsonl")),
                log = Files.readAllLines(run.resolve("log.jsonl"));
        assertEquals(straightLog.size(), log.size(), "one log line per step");
        for (int i = 0; i < log.size(); i++)
            assertTrue(log.get(i).contains("\"step\":" + i + ","), "line " + i + ": " + log.get(i));
        assertTrue(Files.isRegularFile(run.resolve("metrics.json"))
                && Files.isRegularFile(run.resolve("model.safetensors")));
        // up to the first checkpoint both runs are the same process history: identical lines
        assertEquals(straightLog.subList(0, 21), log.subList(0, 21), "the steps before the first checkpoint");
    }

    private static void assertSameAsStraight(Path run) throws IOException {
        assertArrayEquals(
                Files.readAllBytes(straight.resolve("model.safetensors")),
                Files.readAllBytes(run.resolve("model.safetensors")),
                "the final weights differ from the straight run's");
        assertEquals(
                Files.readAllLines(straight.resolve("log.jsonl")),
                Files.readAllLines(run.resolve("log.jsonl")),
                "the per-step log");
        assertEquals(metrics(straight), metrics(run), "the metrics");
    }

    /** metrics.json without its timings. */
    private static String metrics(Path run) throws IOException {
        var n = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(run.resolve("metrics.json").toFile());
        n.remove(List.of("train_seconds", "embed_seconds", "rerank_seconds"));
        return n.toString();
    }

    @Test
    void aKilledRunResumesToTheSameWeights() throws Exception {
        Path run = dir.resolve("killed");
        Process p = startAndWaitForCheckpoint(run, dir.resolve("killed.out"));
        p.destroyForcibly(); // SIGKILL: no handler runs
        p.waitFor(30, TimeUnit.SECONDS);
        assertFalse(Files.exists(run.resolve("metrics.json")), "the run was killed before it finished");
        Process r = start(dir.resolve("resumed.out"), "train", "--resume", run.toString());
        assertEquals(0, waitFor(r, dir.resolve("resumed.out")), Files.readString(dir.resolve("resumed.out")));
        assertTrue(Files.readString(dir.resolve("resumed.out")).contains("resuming at step"));
        assertCompleteLike(run);
        assertSameAsStraight(run);
    }

    /** Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status); children inherit it. */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) return false;
        for (String line : Files.readAllLines(status))
            if (line.startsWith("SigIgn:"))
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & 0b10) != 0;
        return false;
    }

    @Test
    void ctrlCSavesACheckpointAndTheRunResumesToTheSameWeights() throws Exception {
        Path run = dir.resolve("interrupted");
        Path out = dir.resolve("interrupted.out");
        Process p = startAndWaitForCheckpoint(run, out);
        // A job a non-interactive shell started in the background inherits SIGINT ignored (POSIX), and
        // so does every process below it: there only SIGTERM, which the same handler serves, can arrive.
        String signal = sigintIgnored() ? "TERM" : "INT";
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
        assertEquals(130, waitFor(p, out), "exit code after SIG" + signal + ": " + Files.readString(out));
        String text = Files.readString(out);
        assertTrue(text.contains("interrupted by SIG" + signal) && text.contains("--resume " + run), text);
        assertFalse(Files.exists(run.resolve("metrics.json")));
        RunState saved = RunFolder.existing(run).latest().state();
        assertTrue(saved.step() > 0 && saved.step() < 2 * 21, "stopped mid-run at step " + saved.step());
        Process r = start(dir.resolve("interrupted-resumed.out"), "train", "--resume", run.toString());
        assertEquals(
                0,
                waitFor(r, dir.resolve("interrupted-resumed.out")),
                Files.readString(dir.resolve("interrupted-resumed.out")));
        assertCompleteLike(run);
        assertSameAsStraight(run);
    }
}
