package io.weakpair.data;

import java.util.Locale;

/**
 * How thoroughly a reader checks each record's image before accepting the record. Decoding
 * every image of a large benchmark costs tens of seconds, so the default reads only the
 * header; an image that passes the header check but fails to decode later is reported by
 * the image pipeline with its record index and path.
 */
public enum ImageCheck {
    /** Trust the file: only the path is checked. */
    NONE,
    /** The file exists and is a regular file. */
    EXISTS,
    /** The file exists and its header is a JPEG/PNG/... image with a size (default). */
    HEADER,
    /** The file decodes completely. */
    DECODE;

    public static ImageCheck parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown image check '" + s + "' (expected none, exists, header or decode)");
        }
    }
}
