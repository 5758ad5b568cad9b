package io.weakpair.data;

/**
 * A record that could not be used, with the reason. Every skipped record becomes one issue:
 * nothing is dropped silently.
 *
 * @param index the record's position in the dataset file
 * @param path  the image path as written in the record, or "?" when the record has none
 * @param kind  the category, for the summary counts
 * @param detail what exactly was wrong
 */
public record DataIssue(int index, String path, Kind kind, String detail) {
    /** Categories of bad records, in the order summaries list them. */
    public enum Kind {
        MALFORMED_RECORD("malformed record"),
        WRONG_TYPE("wrong field type"),
        MISSING_FIELD("missing field"),
        BAD_SPLIT("unknown split"),
        UNSAFE_PATH("path outside the dataset"),
        EMPTY_CAPTION("empty caption"),
        MISSING_IMAGE("missing image"),
        UNDECODABLE_IMAGE("undecodable image");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    @Override
    public String toString() {
        return "record " + index + " (" + path + "): " + kind.label() + ": " + detail;
    }
}
