package io.weakpair.data.synth;

import java.util.List;

/** Garment and object colours: how they are drawn and the words captions use for them. */
public enum Colour {
    BLACK(0x232326, 3.0, "black"),
    WHITE(0xECECEA, 2.0, "white"),
    GREY(0x85878A, 2.0, "grey", "gray"),
    RED(0xC42828, 1.5, "red"),
    BLUE(0x2F5FC4, 2.5, "blue"),
    GREEN(0x2E8B45, 1.0, "green"),
    YELLOW(0xE6C82D, 0.8, "yellow"),
    PINK(0xEE8DB5, 0.8, "pink"),
    PURPLE(0x7A3A9A, 0.7, "purple"),
    ORANGE(0xEE8420, 0.7, "orange"),
    BROWN(0x7A4A26, 1.0, "brown");

    private final int rgb;
    private final double weight;
    private final List<String> words;

    Colour(int rgb, double weight, String... words) {
        this.rgb = rgb;
        this.weight = weight;
        this.words = List.of(words);
    }

    /** 0xRRGGBB as drawn under neutral light. */
    public int rgb() {
        return rgb;
    }

    /** How common the colour is on clothes (relative), so that common colours make hard negatives. */
    public double weight() {
        return weight;
    }

    /** The words for the colour, the usual one first. */
    public List<String> words() {
        return words;
    }
}
