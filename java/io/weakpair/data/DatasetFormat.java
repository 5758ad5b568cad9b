package io.weakpair.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The annotation layouts the project reads. All three keep their images under {@code imgs/}
 * and list records in one JSON array; they differ in the file name and the path field.
 */
public enum DatasetFormat {
    CUHK_PEDES("CUHK-PEDES", "file_path", "reid_raw.json"),
    ICFG_PEDES("ICFG-PEDES", "file_path", "ICFG-PEDES.json", "ICFG_PEDES.json"),
    RSTPREID("RSTPReid", "img_path", "data_captions.json");

    /** The folder, relative to the dataset root, that record paths are relative to. */
    public static final String IMAGE_FOLDER = "imgs";

    private final String displayName;
    private final String pathField;
    private final List<String> annotationFiles;

    DatasetFormat(String displayName, String pathField, String... annotationFiles) {
        this.displayName = displayName;
        this.pathField = pathField;
        this.annotationFiles = List.of(annotationFiles);
    }

    public String displayName() {
        return displayName;
    }

    /** The record field holding the image path. */
    public String pathField() {
        return pathField;
    }

    /** Accepted annotation file names, preferred first. */
    public List<String> annotationFiles() {
        return annotationFiles;
    }

    /** The annotation file of this format in {@code root}, or null when there is none. */
    public Path annotationFile(Path root) {
        for (String name : annotationFiles) {
            Path p = root.resolve(name);
            if (Files.isRegularFile(p)) return p;
        }
        return null;
    }

    /** Picks the format from the annotation file present in {@code root}; exactly one must match. */
    public static DatasetFormat detect(Path root) {
        if (!Files.isDirectory(root)) throw new DataException("dataset folder not found: " + root);
        List<DatasetFormat> found = new ArrayList<>();
        for (DatasetFormat f : values()) if (f.annotationFile(root) != null) found.add(f);
        if (found.size() == 1) return found.get(0);
        if (found.isEmpty()) {
            throw new DataException("no dataset in " + root + ": expected reid_raw.json (CUHK-PEDES), "
                    + "ICFG-PEDES.json or ICFG_PEDES.json (ICFG-PEDES) or data_captions.json (RSTPReid)");
        }
        throw new DataException(
                "ambiguous dataset in " + root + ": found annotation files of " + found + "; choose one with --format");
    }

    /** Parses "cuhk-pedes", "icfg-pedes", "rstpreid" (case and separators ignored). */
    public static DatasetFormat parse(String s) {
        String key = s.trim().toLowerCase(Locale.ROOT).replaceAll("[-_ ]", "");
        for (DatasetFormat f : values()) {
            if (f.name().toLowerCase(Locale.ROOT).replace("_", "").equals(key)) return f;
        }
        throw new IllegalArgumentException(
                "unknown dataset format '" + s + "' (expected cuhk-pedes, icfg-pedes or rstpreid)");
    }

    @Override
    public String toString() {
        return displayName;
    }
}
