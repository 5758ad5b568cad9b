package io.weakpair.data.synth;

import java.util.SplittableRandom;

/**
 * Street-like backgrounds: a wall and a ground whose colours belong to the camera, and a
 * few muted clutter objects (windows, doors, poles, bushes, signs, kerb lines) that change
 * from shot to shot. Clutter is desaturated so that it rarely reads as a garment colour.
 */
final class BackgroundPainter {
    private static final int[] WALLS = {0xB9AE9A, 0x9A9C9E, 0x9C6E5C, 0x8F9A8A, 0xA7B4C0, 0xC4C0B6, 0x7D7B78, 0xB0A58C};
    private static final int[] GROUNDS = {0x5E5F61, 0x8A8378, 0x6E7A5E, 0x7A746C, 0x4E5052, 0x9A948A};
    private static final int GREY = 0x808080;

    private BackgroundPainter() {}

    /** Paints the whole image (pixel coordinates). */
    static void paint(Canvas c, Scene scene, int width, int height) {
        SplittableRandom rng = new SplittableRandom(scene.background());
        int wall = Canvas.mix(WALLS[scene.camera() % WALLS.length], jitter(rng), 0.15);
        int ground = Canvas.mix(GROUNDS[(scene.camera() * 5 + 1) % GROUNDS.length], jitter(rng), 0.12);
        double horizon = height * Pick.uniform(rng, 0.55, 0.8);
        c.rect(0, 0, width, horizon, c.lit(wall));
        c.rect(0, horizon, width, height, c.lit(ground));
        int items = 1 + rng.nextInt(5);
        for (int i = 0; i < items; i++) {
            int colour = Canvas.mix(randomColour(rng), GREY, Pick.uniform(rng, 0.45, 0.75));
            double x = Pick.uniform(rng, -0.1, 1.0) * width;
            switch (rng.nextInt(6)) {
                case 0 -> { // window with a frame
                    double w = Pick.uniform(rng, 0.15, 0.4) * width, h = Pick.uniform(rng, 0.08, 0.2) * height;
                    double y = Pick.uniform(rng, 0.03, 0.45) * height;
                    c.rect(x - 1, y - 1, x + w + 1, y + h + 1, c.lit(Canvas.mix(wall, 0x000000, 0.35)));
                    c.rect(x, y, x + w, y + h, c.lit(Canvas.mix(0x6F8496, colour, 0.3)));
                }
                case 1 -> { // door
                    double w = Pick.uniform(rng, 0.2, 0.35) * width;
                    c.rect(x, horizon - 0.35 * height, x + w, horizon, c.lit(Canvas.mix(colour, 0x000000, 0.3)));
                }
                case 2 -> { // pole
                    double w = Pick.uniform(rng, 0.03, 0.07) * width;
                    c.rect(x, 0, x + w, horizon + Pick.uniform(rng, 0, 0.1) * height, c.lit(0x3C3E40));
                }
                case 3 -> { // bush at the foot of the wall
                    double rx = Pick.uniform(rng, 0.12, 0.3) * width, ry = Pick.uniform(rng, 0.04, 0.09) * height;
                    c.ellipse(x, horizon, rx, ry, c.lit(Canvas.mix(0x4F6B3A, colour, 0.2)));
                }
                case 4 -> { // sign
                    double w = Pick.uniform(rng, 0.1, 0.25) * width, h = Pick.uniform(rng, 0.04, 0.08) * height;
                    double y = Pick.uniform(rng, 0.05, 0.4) * height;
                    c.rect(x, y, x + w, y + h, c.lit(colour));
                }
                default -> { // kerb or road marking
                    double y = Pick.uniform(rng, horizon + 2, height);
                    c.rect(0, y, width, y + Pick.uniform(rng, 0.6, 1.6), c.lit(Canvas.mix(ground, 0xFFFFFF, 0.25)));
                }
            }
        }
    }

    private static int jitter(SplittableRandom rng) {
        return randomColour(rng);
    }

    private static int randomColour(SplittableRandom rng) {
        return rng.nextInt(0x1000000);
    }
}
