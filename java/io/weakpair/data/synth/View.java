package io.weakpair.data.synth;

import java.util.Locale;

/**
 * Which side of the person faces the camera. In {@code LEFT} the person's left side faces
 * the camera (the person walks towards the image's left edge); {@code RIGHT} mirrors it.
 */
public enum View {
    FRONT,
    BACK,
    LEFT,
    RIGHT;

    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static View parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown view '" + s + "' (expected front, back, left or right)");
        }
    }

    /** The person's side that faces the camera in a side view, null for front and back. */
    public Appearance.Side nearSide() {
        return this == LEFT ? Appearance.Side.LEFT : this == RIGHT ? Appearance.Side.RIGHT : null;
    }
}
