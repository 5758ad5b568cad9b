package io.weakpair.cli;

import static io.weakpair.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.config.Environment;
import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import io.weakpair.io.AtomicFile;
import io.weakpair.io.Safetensors;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.CliRun;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's edges: settings, files, exit codes, help and messages (hardening issue). */
class CliEdgesTest {
    @TempDir
    Path tmp;

    /** One line on stderr, no stack trace, the given exit code. */
    private static void oneLineError(CliRun r, int code, String... mentions) {
        String err = r.err().strip();
        assertEquals(code, r.code(), "exit code; stderr: " + err);
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.contains("error: "), err);
        assertFalse(err.contains("Exception") || err.contains("\tat "), "no stack trace: " + err);
        for (String m : mentions) assertTrue(err.contains(m), "'" + err + "' should mention '" + m + "'");
    }

    private Path lossesInput() throws IOException {
        int n = 6, d = 4;
        Map<String, Tensor> in = new LinkedHashMap<>();
        in.put("image_emb", Tensor.randn(1, 1.0, DType.F32, Device.CPU, n, d));
        in.put("text_emb", Tensor.randn(2, 1.0, DType.F32, Device.CPU, n, d));
        in.put("labels", Tensor.ofLongs(new long[] {0, 0, 1, 1, 2, 2}, n));
        in.put("temperature", Tensor.full(0.07, DType.F32, Device.CPU));
        Path p = tmp.resolve("in.safetensors");
        Safetensors.write(p, in, Map.of());
        in.values().forEach(Tensor::close);
        return p;
    }

    // ------------------------------------------------------------------ 1. environment settings

    @Test
    void badEnvironmentSettingsAreOneLineUsageErrorsInEveryCommand() {
        String[][] commands = {
            {"info"},
            {"train"},
            {"losses", "--input", "x", "--output", "y"},
            {"synth", "--out", tmp.resolve("s").toString()},
            {"data", "stats", tmp.toString()}
        };
        for (String bad : List.of("abc", "0", "-1", "2.5", "" + Long.MAX_VALUE))
            for (String[] cmd : commands)
                oneLineError(run(Map.of(Environment.THREADS, bad), cmd), 2, "WEAKPAIR_THREADS", "'" + bad + "'");
        oneLineError(run(Map.of(Environment.HOST_CACHE_MB, "-5"), "info"), 2, "WEAKPAIR_HOST_CACHE_MB");
        oneLineError(
                run(Map.of(Environment.HOST_CACHE_MB, "2g"), "synth", "--out", tmp.toString()),
                2,
                "WEAKPAIR_HOST_CACHE_MB");
        oneLineError(run(Map.of(Environment.DEBUG, "maybe"), "data", "stats"), 2, "WEAKPAIR_DEBUG");
        oneLineError(run(Map.of(Environment.TF32, "2"), "info"), 2, "WEAKPAIR_TF32");
        oneLineError(run(Map.of(Environment.SIMD, "avx512"), "info"), 2, "WEAKPAIR_SIMD");
        assertFalse(Files.exists(tmp.resolve("s")), "nothing ran");
    }

    @Test
    void threadsAboveTheCoresWarnOnOneLine() {
        int cores = Runtime.getRuntime().availableProcessors();
        CliRun r = run(Map.of(Environment.THREADS, Integer.toString(cores + 1)), "info");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(
                r.err().contains("warning: WEAKPAIR_THREADS=" + (cores + 1) + " is more than the " + cores), r.err());
        assertEquals("", run(Map.of(Environment.THREADS, "1"), "info").err());
    }

    @Test
    void environmentParsing() {
        Properties none = new Properties();
        none.setProperty("user.home", tmp.toString());
        Environment e = Environment.parse(
                Map.of(Environment.THREADS, " 3 ", Environment.HOST_CACHE_MB, "0", Environment.DEBUG, "1"), none);
        assertEquals(3, e.threads());
        assertEquals(3, e.threadsOrCores());
        assertEquals(0L, e.hostCacheMb());
        assertTrue(e.debug());
        assertFalse(Environment.parse(Map.of(Environment.DEBUG, "0"), none).debug());
        assertTrue(Environment.parse(Map.of(Environment.PROFILE, "on"), none).profile());
        assertFalse(Environment.parse(Map.of(), none).profile());
        IllegalArgumentException badProfile = assertThrows(
                IllegalArgumentException.class, () -> Environment.parse(Map.of(Environment.PROFILE, "maybe"), none));
        assertTrue(badProfile.getMessage().contains("WEAKPAIR_PROFILE must be 1 or 0"), badProfile.getMessage());
        assertNull(Environment.parse(Map.of(), none).threads());
        assertEquals(
                Runtime.getRuntime().availableProcessors(),
                Environment.parse(Map.of(), none).threadsOrCores());
        // The system property wins over the environment, and is checked the same way.
        Properties prop = new Properties();
        prop.setProperty("weakpair.threads", "2");
        assertEquals(
                2, Environment.parse(Map.of(Environment.THREADS, "7"), prop).threads());
        prop.setProperty("weakpair.threads", "x");
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> Environment.parse(Map.of(), prop));
        assertTrue(bad.getMessage().contains("-Dweakpair.threads"), bad.getMessage());
        // Default data: WEAKPAIR_HOME, else -Dweakpair.home (the launcher), else ~/.cache/weakpair.
        Properties launcher = new Properties();
        launcher.setProperty("weakpair.home", tmp.resolve("repo").toString());
        assertEquals(
                tmp.resolve("h/data/synth"),
                Environment.parse(Map.of(Environment.HOME, tmp.resolve("h").toString()), launcher)
                        .defaultDataDir());
        assertEquals(
                tmp.resolve("repo/data/synth"),
                Environment.parse(Map.of(), launcher).defaultDataDir());
        assertEquals(
                tmp.resolve(".cache/weakpair/data/synth"),
                Environment.parse(Map.of(), none).defaultDataDir());
    }

    @Test
    void dataCommandsTakeTheirDefaultThreadsFromTheSetting() {
        Environment.replaceForTesting(Map.of(Environment.THREADS, "3"));
        try {
            assertEquals(3, DatasetOptions.threads(null));
            assertEquals(5, DatasetOptions.threads(5));
            assertThrows(UsageException.class, () -> DatasetOptions.threads(0));
        } finally {
            Environment.replaceForTesting(null);
        }
    }

    /** The real process environment in a child JVM: the checked WEAKPAIR_THREADS is the one the kernels use. */
    @Test
    void childProcessUsesTheCheckedThreadsAndRejectsBadOnes() throws Exception {
        String[] ok = child(Map.of(Environment.THREADS, "1"), "info");
        assertEquals("0", ok[0], ok[2]);
        assertTrue(ok[1].contains("cpu (1 thread, "), ok[1]);
        assertTrue(ok[1].contains("threads: 1 "), ok[1]);
        String[] bad = child(Map.of(Environment.THREADS, "abc"), "info");
        assertEquals("2", bad[0]);
        assertEquals("weakpair: error: WEAKPAIR_THREADS must be a whole number >= 1, got 'abc'", bad[2].strip());
    }

    private static String[] child(Map<String, String> env, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(
                List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("WEAKPAIR_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes(), err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new String[] {
            Integer.toString(p.exitValue()),
            new String(out, StandardCharsets.UTF_8),
            new String(err, StandardCharsets.UTF_8)
        };
    }

    // ------------------------------------------------------------------ 2. files

    @Test
    void lossesRefusesToOverwriteItsInputUnderAnySpelling() throws IOException {
        Path in = lossesInput();
        byte[] before = Files.readAllBytes(in);
        Files.createDirectories(tmp.resolve("sub"));
        Path link = tmp.resolve("link.safetensors");
        Files.createSymbolicLink(link, in);
        for (String out : List.of(
                in.toString(),
                tmp + "/./in.safetensors",
                tmp + "/sub/../in.safetensors",
                link.toString(),
                tmp + "/missing/../in.safetensors")) {
            CliRun r = run("losses", "--input", in.toString(), "--output", out);
            oneLineError(r, 2, "--output " + out + " is the same file as --input");
        }
        assertArrayEquals(before, Files.readAllBytes(in), "the input is untouched");
    }

    @Test
    void directoriesAreNamedAsSuch() throws IOException {
        Path in = lossesInput();
        Path dir = Files.createDirectories(tmp.resolve("a-folder"));
        CliRun out = run("losses", "--input", in.toString(), "--output", dir.toString());
        oneLineError(out, 1, "--output " + dir + " is a directory");
        assertFalse(out.err().contains(".tmp"), out.err());
        CliRun input = run(
                "losses",
                "--input",
                dir.toString(),
                "--output",
                tmp.resolve("o.safetensors").toString());
        oneLineError(input, 1, "--input " + dir + " is a directory");
        CliRun missing = run(
                "losses",
                "--input",
                tmp.resolve("nope").toString(),
                "--output",
                tmp.resolve("o.safetensors").toString());
        oneLineError(missing, 1, "file not found");
        CliRun preview = run("data", "preview", tmp.toString(), "--out", dir.toString());
        oneLineError(preview, 1, "--out " + dir + " is a directory");
        // AtomicFile itself names the target, not its temporary file.
        IOException e = assertThrows(
                IOException.class, () -> AtomicFile.write(dir, ch -> ch.write(ByteBuffer.wrap(new byte[1]))));
        assertTrue(
                e.getMessage().contains(dir.toString()) && e.getMessage().contains("is a directory"), e.getMessage());
        try (var files = Files.list(tmp)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void writtenFilesGetTheUsualModeAndMissingFoldersAreCreated() throws IOException {
        Path in = lossesInput();
        Path reference = Files.createFile(tmp.resolve("reference")); // the mode the umask gives a new file
        Path out = tmp.resolve("new/deeper/out.safetensors");
        CliRun r = run("losses", "--input", in.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(
                PosixFilePermissions.toString(Files.getPosixFilePermissions(reference)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertEquals(
                PosixFilePermissions.toString(Files.getPosixFilePermissions(reference)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(in)),
                "Safetensors.write too");
    }

    // ------------------------------------------------------------------ 3. the default data folder

    @Test
    void dataCommandsWithoutDirUseTheHomeFolderWhateverTheCurrentDirectory() {
        Path home = tmp.resolve("home");
        SyntheticGenerator.ensure(SynthConfig.defaults().withIds(10), home.resolve("data/synth"), 2, null);
        boolean hereBefore = Files.exists(Path.of("data", "synth"));
        CliRun r = run(Map.of(Environment.HOME, home.toString()), "data", "stats", "--image-check", "none");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("train"), r.out());
        assertEquals(hereBefore, Files.exists(Path.of("data", "synth")), "nothing written under the current directory");
        CliRun help = run("data", "stats", "--help");
        assertTrue(help.out().replaceAll("\\s+", " ").contains("under $WEAKPAIR_HOME if set"), help.out());
        CliRun synthHelp = run("synth", "--help");
        assertTrue(synthHelp.out().replaceAll("\\s+", "").contains("under~/.cache/weakpair"), synthHelp.out());
    }

    // ------------------------------------------------------------------ 4. exit codes, help

    @Test
    void badOptionValuesExitTwoAndFailuresOne() throws IOException {
        Path in = lossesInput();
        String out = tmp.resolve("o.safetensors").toString();
        oneLineError(run("losses", "--input", in.toString(), "--output", out, "--mode", "foo"), 2, "--mode", "--help");
        oneLineError(run("losses", "--input", in.toString(), "--output", out, "--alpha", "1.5"), 2, "--alpha");
        oneLineError(run("losses", "--input", in.toString(), "--output", out, "--alpha", "abc"), 2, "--alpha");
        oneLineError(
                run("losses", "--input", in.toString(), "--output", out, "--device", "gpu"), 2, "--device", "'gpu'");
        oneLineError(run("train", "--device", "tpu"), 2, "--device");
        oneLineError(run("synth", "--out", tmp.resolve("x").toString(), "--ids", "0"), 2, "--ids");
        oneLineError(run("synth", "--out", tmp.resolve("x").toString(), "--threads", "0"), 2, "--threads");
        oneLineError(run("data", "stats", tmp.toString(), "--image-check", "all"), 2);
        oneLineError(run("data", "preview", tmp.toString(), "--count", "0"), 2, "--count");
        // Failures while running: 1.
        oneLineError(run("data", "stats", tmp.resolve("nothing-here").toString()), 1, "not found");
        oneLineError(run("losses", "--input", tmp.resolve("nope").toString(), "--output", out), 1);
    }

    @Test
    void helpOfNestedCommandsAndUnknownCommands() {
        CliRun stats = run("help", "data", "stats");
        assertEquals(0, stats.code(), stats.err());
        assertTrue(stats.out().startsWith("Usage: weakpair data stats"), stats.out());
        CliRun data = run("help", "data");
        assertTrue(data.out().startsWith("Usage: weakpair data "), data.out());
        assertEquals(0, run("help").code());
        oneLineError(run("nosuchcommand", "--help"), 2, "unknown command 'nosuchcommand'");
        oneLineError(run("nosuchcommand"), 2, "unknown command 'nosuchcommand'");
        oneLineError(run("help", "nosuchcommand"), 2, "unknown command 'nosuchcommand'");
        oneLineError(run("data", "nosuch", "--help"), 2, "weakpair data: error: unknown command 'nosuch'");
        oneLineError(run("help", "data", "nosuch"), 2, "unknown command 'nosuch'");
    }

    @Test
    void trainAndAblateHelpShowTheDefaultsARunUses() {
        for (String command : List.of("train", "ablate")) {
            String help = run(command, "--help").out().replaceAll("\\s+", " ");
            for (var e : java.util.Map.of(
                            "--epochs",
                            io.weakpair.train.ConfigKey.EPOCHS,
                            "--k-test",
                            io.weakpair.train.ConfigKey.K_TEST,
                            "--lambda-mlm",
                            io.weakpair.train.ConfigKey.LAMBDA_MLM,
                            "--batch",
                            io.weakpair.train.ConfigKey.BATCH)
                    .entrySet()) {
                String option =
                        help.substring(help.lastIndexOf(e.getKey() + "=")); // the option list, after the synopsis
                option = option.substring(0, option.indexOf(" --", 2) < 0 ? option.length() : option.indexOf(" --", 2));
                assertTrue(
                        option.contains("(default: " + e.getValue().defaultText() + ")"),
                        command + " " + e.getKey() + ": " + option);
            }
        }
    }

    /** Every key of the table has its flag in train (ablate: but the keys its variants set), with the table's help. */
    @Test
    void everyConfigKeyHasItsFlagInTrainHelp() {
        String train = run("train", "--help").out().replaceAll("\\s+", " ");
        String ablate = run("ablate", "--help").out().replaceAll("\\s+", " ");
        for (io.weakpair.train.ConfigKey k : io.weakpair.train.ConfigKey.values()) {
            String names = String.join(", ", k.flags()) + "=";
            assertTrue(train.contains(" " + names), "train --help lacks " + names + " of " + k.key());
            String words = k.help().replaceAll("\\s+", " ");
            assertTrue(
                    train.contains(words.substring(0, Math.min(30, words.length()))),
                    "train --help: the table's help of " + k.key());
            assertEquals(
                    !io.weakpair.train.Ablation.VARIED.contains(k),
                    ablate.contains(" " + names),
                    "ablate --help and " + names);
        }
        // The names that worked before still do, and their errors name the flag and what it accepts.
        oneLineError(run("train", "--warmup", "x"), 2, "--warmup: warmup_steps must be a whole number, got 'x'");
        oneLineError(run("train", "--warmup-steps", "-1"), 2, "--warmup-steps: warmup_steps must be >= 0, got -1");
        oneLineError(
                run("train", "--targets", "loose"),
                2,
                "--targets: targets must be one of strict, id, uncertainty, got 'loose'");
        oneLineError(
                run("train", "--matching", "itc"), 2, "--matching: matching must be one of none, itm, gitm, got 'itc'");
        oneLineError(
                run("train", "--mining", "random"), 2, "--mining: mining must be one of topk, sample, got 'random'");
        oneLineError(
                run("train", "--preset", "huge"), 2, "--preset: preset must be one of tiny, small, base, got 'huge'");
        oneLineError(run("train", "--cpu-threads", "-1"), 2, "--cpu-threads: threads must be in [0, 4096], got -1");
        oneLineError(run("ablate", "--epochs", "0"), 2, "--epochs: epochs must be in [1, 100000], got 0");
        oneLineError(run("ablate", "--alpha", "0.3"), 2, "--alpha");
        oneLineError(
                run("train", "--set", "targets=loose"),
                2,
                "--set targets: targets must be one of strict, id, uncertainty");
    }

    // ------------------------------------------------------------------ 5. help and messages

    @Test
    void helpAndMessagesSayWhatIsTrue() throws IOException {
        String train = run("train", "--help").out().replaceAll("\\s+", " ");
        assertTrue(train.contains("then evaluate text-to-image retrieval"), train);
        assertTrue(train.contains("metrics.json"), train);
        String synth = run("synth", "--help").out();
        String summary = synth.lines()
                .skip(1)
                .dropWhile(l -> l.startsWith(" "))
                .findFirst()
                .orElse("");
        for (String line : synth.split("\n"))
            if (!line.startsWith(" ") && !line.startsWith("Usage"))
                assertFalse(line.strip().endsWith(":"), line);
        assertFalse(summary.isEmpty());
        CliRun info = run("info");
        assertFalse(info.out().contains("--device"), info.out());
        assertTrue(run("losses", "--help").out().contains("auto, cpu, cuda or cuda:N"));
        assertEquals("1 identity", Words.count(1, "identity", "identities"));
        assertEquals("2 identities", Words.count(2, "identity", "identities"));
        assertEquals("0 images", Words.count(0, "image"));
        CliRun one = run(
                "synth",
                "--out",
                tmp.resolve("one").toString(),
                "--ids",
                "1",
                "--images-per-id",
                "1",
                "--captions-per-image",
                "1",
                "--split-ratios",
                "1,0,0",
                "--threads",
                "1");
        assertEquals(0, one.code(), one.err());
        assertTrue(one.out().startsWith("wrote 1 image, 1 caption, 1 identity "), one.out());
        // The command name is not repeated in the message.
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        CliRun synthErr = run("synth", "--out", file.toString(), "--ids", "2");
        oneLineError(synthErr, 1, "is a file");
        assertFalse(synthErr.err().contains("error: synth:"), synthErr.err());
    }
}
