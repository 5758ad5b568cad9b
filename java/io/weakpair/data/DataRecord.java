package io.weakpair.data;

import java.nio.file.Path;
import java.util.List;

/**
 * One image of a dataset with the captions written for it.
 *
 * @param index    the record's position in the dataset file (what error messages cite)
 * @param id       the identity as written in the file
 * @param label    the identity relabelled within its split to 0..n-1 (what training uses)
 * @param split    the split the record belongs to
 * @param path     the image path as written in the file, relative to the dataset's image folder
 * @param image    the resolved image file, inside the dataset's image folder
 * @param captions the captions, none of them blank
 */
public record DataRecord(int index, int id, int label, Split split, String path, Path image, List<String> captions) {
    public DataRecord {
        captions = List.copyOf(captions);
    }

    /** "record 12 (imgs/x.jpg)": how messages name a record. */
    public String where() {
        return "record " + index + " (" + path + ")";
    }
}
