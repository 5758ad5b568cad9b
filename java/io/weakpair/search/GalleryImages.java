package io.weakpair.search;

import io.weakpair.data.DataIssue;
import io.weakpair.data.DataRecord;
import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetFormat;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.ImageCheck;
import io.weakpair.data.ImageFiles;
import io.weakpair.data.ReadOptions;
import io.weakpair.data.Split;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The images of a gallery folder as {@link DataRecord}s: every record of a dataset (any
 * format the readers detect, all splits, identities known), or else every .jpg/.jpeg/.png
 * below the folder, sorted by path (identity unknown, -1). Images are keyed by their absolute
 * normalised path, which is what the index stores.
 */
public final class GalleryImages {
    private GalleryImages() {}

    public static List<DataRecord> list(Path dir, PrintStream log) throws IOException {
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("--gallery " + dir + ": no such folder");
        if (hasAnnotations(dir)) return fromDataset(dir, log);
        List<DataRecord> out = new ArrayList<>();
        for (Path p : ImageFiles.listImages(dir)) {
            Path abs = p.toAbsolutePath().normalize();
            out.add(new DataRecord(out.size(), -1, -1, Split.TEST, abs.toString(), abs, List.of()));
        }
        if (out.isEmpty())
            throw new IllegalArgumentException(
                    "--gallery " + dir + ": no .jpg, .jpeg or .png file found (searched recursively)");
        return out;
    }

    private static boolean hasAnnotations(Path dir) {
        for (DatasetFormat f : DatasetFormat.values()) if (f.annotationFile(dir) != null) return true;
        return false;
    }

    /** A dataset's records; the header check skips missing and broken files up front, the embedder catches the rest. */
    private static List<DataRecord> fromDataset(Path dir, PrintStream log) {
        Dataset d = DatasetReader.read(
                dir, ReadOptions.defaults().withImageCheck(ImageCheck.HEADER).withProgress(log));
        for (DataIssue issue : d.report().issues()) log.println("  skipped: " + issue);
        List<DataRecord> out = new ArrayList<>();
        for (DataRecord r : d.records()) {
            Path abs = r.image().toAbsolutePath().normalize();
            out.add(new DataRecord(r.index(), r.id(), r.label(), r.split(), abs.toString(), abs, r.captions()));
        }
        log.printf(
                Locale.ROOT,
                "%s dataset in %s: %s%n",
                d.format(),
                dir,
                d.report().summary());
        return out;
    }
}
