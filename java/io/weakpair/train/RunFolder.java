package io.weakpair.train;

import io.weakpair.io.AtomicFile;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.optim.AdamW;
import io.weakpair.text.Vocabulary;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A training run's folder:
 * <pre>
 *   config.yaml                      the effective configuration (what --resume reads)
 *   log.jsonl                        one JSON line per step
 *   checkpoints/step-00000117/       model.safetensors, model.vocab.txt, optimizer.safetensors, state.json
 *   checkpoints/latest               the name of the newest complete checkpoint
 *   model.safetensors (+ .vocab.txt) the newest model, for eval, embed and search
 * </pre>
 * A checkpoint is written into a hidden temporary folder and renamed into place only when
 * every file is complete and synced, then {@code latest} is replaced atomically; a crash or a
 * full disk at any point leaves the previous checkpoint as it was and {@code latest} naming it.
 */
public final class RunFolder {
    public static final String CONFIG = "config.yaml";
    public static final String LOG = "log.jsonl";
    public static final String MODEL = "model.safetensors";
    static final String CHECKPOINTS = "checkpoints";
    static final String LATEST = "latest";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String STATE = "state.json";

    /** A test's way to fail a checkpoint write midway (after the weights, before the rename). */
    @FunctionalInterface
    interface WriteHook {
        void afterWeights(Path temporaryFolder) throws IOException;
    }

    private final Path root;
    private WriteHook hook = folder -> {};

    private RunFolder(Path root) {
        this.root = root;
    }

    /** A saved step of this run: its folder (the model and optimizer checkpoints) and its state. */
    public record SavedStep(Path folder, RunState state) {
        public Path model() {
            return folder.resolve(MODEL);
        }

        public Path optimizer() {
            return folder.resolve(OPTIMIZER);
        }
    }

    /**
     * Creates (or opens) the folder for a new run and proves it writable by writing and
     * removing a probe file, so an unwritable place fails before training, not at the first
     * checkpoint.
     */
    public static RunFolder prepare(Path root) throws IOException {
        if (Files.exists(root) && !Files.isDirectory(root))
            throw new IOException("run folder " + root + " is a file, not a folder");
        try {
            Files.createDirectories(root.resolve(CHECKPOINTS));
            Path probe = root.resolve(".write-probe");
            AtomicFile.writeString(probe, "probe\n");
            Files.delete(probe);
        } catch (IOException e) {
            throw new IOException(
                    "run folder " + root + " is not writable: " + reason(e) + "; choose another with --run-dir", e);
        }
        return new RunFolder(root);
    }

    /** An existing run to resume: it must hold its configuration and a complete checkpoint. */
    public static RunFolder existing(Path root) throws IOException {
        if (!Files.isDirectory(root)) throw new IllegalArgumentException("--resume " + root + ": no such run folder");
        if (!Files.isRegularFile(root.resolve(CONFIG)))
            throw new IllegalArgumentException("--resume " + root + ": not a run folder (no " + CONFIG + ")");
        RunFolder run = prepare(root);
        if (run.latest() == null)
            throw new IllegalArgumentException(
                    "--resume " + root + ": the run has no complete checkpoint yet; start it again instead");
        return run;
    }

    void setWriteHook(WriteHook h) {
        this.hook = h;
    }

    public Path root() {
        return root;
    }

    public Path config() {
        return root.resolve(CONFIG);
    }

    public Path log() {
        return root.resolve(LOG);
    }

    /** The newest model (a link to or copy of the newest checkpoint's). */
    public Path model() {
        return root.resolve(MODEL);
    }

    /**
     * Fails early when the file system has less room than a few checkpoints need (the
     * weights, twice their size in optimiser moments, and the previous checkpoint kept while
     * the next is written).
     */
    public void checkSpace(long parameters) throws IOException {
        long perCheckpoint = parameters * 4L * 3L + (1L << 20);
        long needed = 2 * perCheckpoint;
        FileStore store = Files.getFileStore(root);
        long free = store.getUsableSpace();
        if (free < needed)
            throw new IOException(String.format(
                    Locale.ROOT,
                    "run folder %s: %s free on its disk, but checkpoints need about %s; free space or "
                            + "choose another --run-dir",
                    root,
                    mib(free),
                    mib(needed)));
    }

    /** The newest complete checkpoint, or null before the first. */
    public SavedStep latest() throws IOException {
        Path pointer = root.resolve(CHECKPOINTS).resolve(LATEST);
        if (!Files.isRegularFile(pointer)) return null;
        String name = Files.readString(pointer).trim();
        if (!name.matches("step-[0-9]{8,}"))
            throw new IllegalArgumentException(pointer + ": names '" + name + "', not a checkpoint folder");
        Path folder = root.resolve(CHECKPOINTS).resolve(name);
        for (String f : new String[] {
            MODEL, ModelCheckpoint.vocabularyPath(Path.of(MODEL)).toString(), OPTIMIZER, STATE
        })
            if (!Files.isRegularFile(folder.resolve(f)))
                throw new IllegalArgumentException(
                        folder + ": the checkpoint lacks " + f + "; it was damaged after it was written");
        return new SavedStep(folder, RunState.read(folder.resolve(STATE)));
    }

    /**
     * Writes a checkpoint (weights with {@code metadata}, vocabulary, optimiser moments, run
     * state), makes it the latest, points {@link #model()} at it, and keeps the newest
     * {@code keep}. On failure the previous checkpoint is untouched and the error says so.
     */
    public SavedStep save(
            AlbefModel model,
            Vocabulary vocabulary,
            AdamW optimizer,
            RunState state,
            Map<String, String> metadata,
            int keep)
            throws IOException {
        Path dir = root.resolve(CHECKPOINTS);
        String name = String.format(Locale.ROOT, "step-%08d", state.step());
        Path target = dir.resolve(name);
        SavedStep previous = latest();
        if (previous != null && previous.folder().equals(target)) return previous; // already saved at this step
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            ModelCheckpoint.save(model, tmp.resolve(MODEL), metadata);
            vocabulary.write(ModelCheckpoint.vocabularyPath(tmp.resolve(MODEL)));
            hook.afterWeights(tmp);
            optimizer.saveState(tmp.resolve(OPTIMIZER));
            AtomicFile.writeString(tmp.resolve(STATE), state.toJson());
            deleteTree(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFile.writeString(dir.resolve(LATEST), name + "\n");
        } catch (IOException | RuntimeException e) {
            try {
                deleteTree(tmp);
            } catch (IOException ignored) {
                // the original error matters more; a leftover hidden folder is removed by the next save
            }
            throw new IOException(
                    "cannot write the checkpoint at step " + state.step() + " in " + dir + ": " + reason(e) + "; "
                            + (previous != null
                                    ? "the previous checkpoint "
                                            + previous.folder().getFileName() + " is intact; free space and continue "
                                            + "with weakpair train --resume " + root
                                    : "no checkpoint was written"),
                    e);
        }
        SavedStep saved = new SavedStep(target, state);
        publish(saved);
        prune(keep, name);
        return saved;
    }

    /** Makes {@link #model()} (and its vocabulary) the checkpoint's: a hard link where the file system allows, else a copy. */
    private void publish(SavedStep c) throws IOException {
        Path vocab = ModelCheckpoint.vocabularyPath(Path.of(MODEL)).getFileName();
        // The vocabulary first: a reader that sees the new model also finds its vocabulary.
        replace(c.folder().resolve(vocab), root.resolve(vocab));
        replace(c.model(), model());
    }

    private static void replace(Path source, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".link");
        Files.deleteIfExists(tmp);
        try {
            Files.createLink(tmp, source);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Removes checkpoints beyond the newest {@code keep} (never the latest), and leftovers of interrupted writes. */
    private void prune(int keep, String latest) throws IOException {
        List<Path> complete = new ArrayList<>();
        try (Stream<Path> s = Files.list(root.resolve(CHECKPOINTS))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.matches("step-[0-9]{8,}")) complete.add(p);
                else if (n.matches("\\.step-[0-9]{8,}\\.tmp")) deleteTree(p);
            }
        }
        complete.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (int i = 0; i < complete.size() - keep; i++)
            if (!complete.get(i).getFileName().toString().equals(latest)) deleteTree(complete.get(i));
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.delete(q);
        }
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private static String reason(Throwable e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) m = f.getReason();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
