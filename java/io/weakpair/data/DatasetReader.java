package io.weakpair.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads CUHK-PEDES, ICFG-PEDES and RSTPReid annotation files (and the synthetic benchmark,
 * which uses the CUHK-PEDES layout) into a {@link Dataset}.
 *
 * <p>Each record is checked in turn: its JSON types, its split, that its path stays inside
 * the image folder, that its captions are not blank, and that its image exists and reads
 * (to the depth {@link ImageCheck} asks). A bad record becomes a {@link DataIssue} with its
 * index and path: skipped and counted by default, fatal in strict mode. A file that is not
 * JSON at all, or not an array, is always fatal.
 */
public final class DatasetReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DatasetReader() {}

    /** Reads with {@link ReadOptions#defaults()}. */
    public static Dataset read(Path root) {
        return read(root, ReadOptions.defaults());
    }

    public static Dataset read(Path root, ReadOptions options) {
        DatasetFormat format = options.format() != null ? options.format() : DatasetFormat.detect(root);
        Path file = format.annotationFile(root);
        if (file == null) {
            throw new DataException(
                    "no " + format + " annotation file in " + root + " (expected " + format.annotationFiles() + ")");
        }
        JsonNode array = parse(file);
        SafePaths paths = new SafePaths(root.resolve(DatasetFormat.IMAGE_FOLDER));

        int n = array.size();
        Parsed[] parsed = new Parsed[n];
        for (int i = 0; i < n; i++) parsed[i] = parseRecord(i, array.get(i), format, paths);
        checkImages(parsed, options);

        List<DataRecord> kept = new ArrayList<>();
        List<DataIssue> issues = new ArrayList<>();
        for (Parsed p : parsed) {
            if (p.issue != null) issues.add(p.issue);
            else kept.add(p.record);
        }
        LoadReport report = new LoadReport(n, issues);
        if (options.strict() && !issues.isEmpty()) {
            throw new DataException(strictMessage(file, issues));
        }
        if (kept.isEmpty()) {
            throw new DataException("no usable records in " + file + " (" + report.summary() + ")"
                    + (issues.isEmpty() ? "" : "; first: " + issues.get(0)));
        }
        return new Dataset(root, format, kept, report);
    }

    private static JsonNode parse(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new DataException(file + ": malformed JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new DataException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) throw new DataException(file + ": empty file");
        if (!root.isArray()) {
            throw new DataException(file + ": expected a JSON array of records, found " + typeName(root));
        }
        return root;
    }

    /** A record's fields once its JSON is known to be well-formed, or the first thing wrong with it. */
    private static final class Parsed {
        final DataRecord record;
        DataIssue issue;

        Parsed(DataRecord record, DataIssue issue) {
            this.record = record;
            this.issue = issue;
        }
    }

    private static Parsed parseRecord(int index, JsonNode node, DatasetFormat format, SafePaths paths) {
        if (!node.isObject()) {
            return bad(index, "?", DataIssue.Kind.MALFORMED_RECORD, "expected an object, found " + typeName(node));
        }
        // The path first, so every later issue can name it.
        JsonNode pathNode = node.get(format.pathField());
        if (pathNode == null || pathNode.isNull()) {
            return bad(index, "?", DataIssue.Kind.MISSING_FIELD, "no '" + format.pathField() + "'");
        }
        if (!pathNode.isTextual()) {
            return bad(
                    index,
                    "?",
                    DataIssue.Kind.WRONG_TYPE,
                    "'" + format.pathField() + "' must be a string, found " + typeName(pathNode));
        }
        String path = pathNode.textValue();

        JsonNode idNode = node.get("id");
        if (idNode == null || idNode.isNull()) return bad(index, path, DataIssue.Kind.MISSING_FIELD, "no 'id'");
        if (!idNode.isIntegralNumber() || !idNode.canConvertToInt()) {
            return bad(index, path, DataIssue.Kind.WRONG_TYPE, "'id' must be an integer, found " + typeName(idNode));
        }
        int id = idNode.intValue();

        JsonNode splitNode = node.get("split");
        if (splitNode == null || splitNode.isNull())
            return bad(index, path, DataIssue.Kind.MISSING_FIELD, "no 'split'");
        if (!splitNode.isTextual()) {
            return bad(
                    index, path, DataIssue.Kind.WRONG_TYPE, "'split' must be a string, found " + typeName(splitNode));
        }
        Split split;
        try {
            split = Split.parse(splitNode.textValue());
        } catch (IllegalArgumentException e) {
            return bad(index, path, DataIssue.Kind.BAD_SPLIT, e.getMessage());
        }

        JsonNode captionsNode = node.get("captions");
        if (captionsNode == null || captionsNode.isNull()) {
            return bad(index, path, DataIssue.Kind.MISSING_FIELD, "no 'captions'");
        }
        if (!captionsNode.isArray()) {
            return bad(
                    index,
                    path,
                    DataIssue.Kind.WRONG_TYPE,
                    "'captions' must be an array of strings, found " + typeName(captionsNode));
        }
        if (captionsNode.isEmpty()) return bad(index, path, DataIssue.Kind.EMPTY_CAPTION, "no captions");
        List<String> captions = new ArrayList<>(captionsNode.size());
        for (int c = 0; c < captionsNode.size(); c++) {
            JsonNode cap = captionsNode.get(c);
            if (!cap.isTextual()) {
                return bad(
                        index,
                        path,
                        DataIssue.Kind.WRONG_TYPE,
                        "caption " + c + " must be a string, found " + typeName(cap));
            }
            String text = cap.textValue().strip();
            if (text.isEmpty()) return bad(index, path, DataIssue.Kind.EMPTY_CAPTION, "caption " + c + " is empty");
            captions.add(text);
        }

        Path image;
        try {
            image = paths.resolve(path);
        } catch (SafePaths.UnsafePathException e) {
            return bad(index, path, DataIssue.Kind.UNSAFE_PATH, e.getMessage());
        }
        // The label is assigned per split by Dataset.
        return new Parsed(new DataRecord(index, id, -1, split, path, image, captions), null);
    }

    private static Parsed bad(int index, String path, DataIssue.Kind kind, String detail) {
        return new Parsed(null, new DataIssue(index, path, kind, detail));
    }

    /** Checks the images of the well-formed records in parallel; results land by index, so order is kept. */
    private static void checkImages(Parsed[] parsed, ReadOptions options) {
        if (options.imageCheck() == ImageCheck.NONE) return;
        int threads = Math.max(1, Math.min(options.threads(), parsed.length / 256 + 1));
        String what = "checking images (" + options.imageCheck().name().toLowerCase(Locale.ROOT) + ")";
        try (Progress progress = new Progress(options.progress(), what, "records", parsed.length)) {
            if (threads == 1) {
                checkRange(parsed, 0, parsed.length, options.imageCheck(), progress);
                return;
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads, new DaemonThreads("weakpair-imagecheck"));
            try {
                int chunk = 256;
                List<Future<?>> futures = new ArrayList<>();
                for (int start = 0; start < parsed.length; start += chunk) {
                    int from = start, to = Math.min(parsed.length, start + chunk);
                    futures.add(pool.submit(() -> checkRange(parsed, from, to, options.imageCheck(), progress)));
                }
                for (Future<?> f : futures) f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataException("interrupted while checking images");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new DataException("image check failed: " + e.getCause(), e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void checkRange(Parsed[] parsed, int from, int to, ImageCheck level, Progress progress) {
        for (int i = from; i < to; i++) {
            Parsed p = parsed[i];
            if (p.issue != null) continue;
            ImageFiles.Problem problem = ImageFiles.check(p.record.image(), level);
            if (problem != null)
                p.issue = new DataIssue(p.record.index(), p.record.path(), problem.kind(), problem.detail());
        }
        progress.advance(to - from);
    }

    private static String strictMessage(Path file, List<DataIssue> issues) {
        StringBuilder sb = new StringBuilder(
                issues.size() + " bad record" + (issues.size() == 1 ? "" : "s") + " in " + file + " (strict mode): ");
        int shown = Math.min(3, issues.size());
        for (int i = 0; i < shown; i++) sb.append(i == 0 ? "" : "; ").append(issues.get(i));
        if (issues.size() > shown)
            sb.append("; and ").append(issues.size() - shown).append(" more");
        return sb.toString();
    }

    private static String typeName(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER ->
                node.isIntegralNumber()
                        ? (node.canConvertToInt() ? "an integer" : "an integer beyond 32 bits")
                        : "a non-integer number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
