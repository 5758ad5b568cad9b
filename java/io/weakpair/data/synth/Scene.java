package io.weakpair.data.synth;

import java.util.SplittableRandom;

/**
 * Everything about one shot except the person: camera, view, pose, framing, light,
 * background and occlusion. Drawn per image from its own random stream.
 *
 * @param scale        figure height relative to the largest that fits (0.82..1)
 * @param shiftX       horizontal offset of the figure, in figure heights
 * @param shiftY       vertical offset of the figure, in figure heights
 * @param stride       leg swing of the walking pose, -1..1
 * @param armSwing     arm swing, -1..1
 * @param brightness   light level multiplying every colour
 * @param castR        per-channel colour cast of the camera and light (each near 1)
 * @param background   seed of the background's clutter
 * @param occluderTop  top of an object in front of the legs, in figure heights from the top
 *                     of the head (0.6..1); {@code Double.NaN} when nothing occludes
 * @param occluderRgb  colour of that object
 */
public record Scene(
        View view,
        int camera,
        double scale,
        double shiftX,
        double shiftY,
        double stride,
        double armSwing,
        double brightness,
        double castR,
        double castG,
        double castB,
        long background,
        double occluderTop,
        int occluderRgb) {

    public boolean occluded() {
        return !Double.isNaN(occluderTop);
    }

    /** Draws a scene for a camera; cameras differ in their light and colour cast. */
    static Scene draw(View view, int camera, double occlusionRate, SplittableRandom rng) {
        SplittableRandom cam = new SplittableRandom(0x5EED_CA3EL + camera * 7919L);
        double camLight = Pick.uniform(cam, 0.8, 1.1);
        double camR = Pick.uniform(cam, 0.94, 1.06),
                camG = Pick.uniform(cam, 0.95, 1.05),
                camB = Pick.uniform(cam, 0.94, 1.06);
        double scale = Pick.uniform(rng, 0.84, 1.0);
        double shiftX = Pick.uniform(rng, -0.03, 0.03);
        double shiftY = Pick.uniform(rng, -0.02, 0.02);
        double stride = Pick.uniform(rng, -1, 1);
        double arm = Pick.uniform(rng, -1, 1);
        double light = camLight * Pick.uniform(rng, 0.85, 1.12);
        double r = camR * Pick.uniform(rng, 0.97, 1.03),
                g = camG * Pick.uniform(rng, 0.97, 1.03),
                b = camB * Pick.uniform(rng, 0.97, 1.03);
        long background = rng.nextLong();
        double top = Double.NaN;
        int rgb = 0;
        if (Pick.chance(rng, occlusionRate)) {
            top = Pick.uniform(rng, 0.62, 0.97);
            int grey = 60 + rng.nextInt(90);
            rgb = (grey + rng.nextInt(30)) << 16 | (grey + rng.nextInt(30)) << 8 | grey;
        }
        return new Scene(view, camera, scale, shiftX, shiftY, stride, arm, light, r, g, b, background, top, rgb);
    }
}
