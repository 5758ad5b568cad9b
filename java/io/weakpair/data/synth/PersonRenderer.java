package io.weakpair.data.synth;

import io.weakpair.data.synth.Appearance.Carried;
import io.weakpair.data.synth.Appearance.Gender;
import io.weakpair.data.synth.Appearance.HairLength;
import io.weakpair.data.synth.Appearance.Headwear;
import io.weakpair.data.synth.Appearance.LowerType;
import io.weakpair.data.synth.Appearance.Pattern;
import io.weakpair.data.synth.Appearance.Side;
import io.weakpair.data.synth.Appearance.UpperType;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;

/**
 * Draws a pedestrian with Java2D: background, then a figure (head, hair, headwear, torso
 * with its garment and pattern, arms, legs, lower garment, shoes, carried objects, logo)
 * seen from the scene's view, then whatever occludes it.
 *
 * <p>The figure is drawn in figure units (0 = top of the head, 1 = soles; x = 0 the body's
 * axis) so one drawing serves every image size. Side views are drawn facing +x and mirrored
 * for {@link View#LEFT}. View-dependent objects are drawn exactly when {@link Visibility}
 * says the view shows them, so the captions' ground truth and the pixels agree. Rendering
 * is a pure function of its arguments (no shared state), so images can be drawn on any
 * thread in any order.
 */
public final class PersonRenderer {
    private static final int[] SKIN = {0xF1C9A5, 0xD9A57E, 0xB07A52, 0x7A4E30};
    private static final int WHITE = 0xFFFFFF, BLACK = 0x000000;

    private PersonRenderer() {}

    public static BufferedImage render(Identity p, Scene scene, int height, int width) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            Canvas c = new Canvas(g, scene);
            BackgroundPainter.paint(c, scene, width, height);

            double figure = Math.min(height * 0.94, width / 0.42) * scene.scale();
            double top = height * 0.03 + (height * 0.94 - figure) * 0.5 + scene.shiftY() * figure;
            double cx = width / 2.0 + scene.shiftX() * figure;
            AffineTransform pixels = g.getTransform();
            g.translate(cx, top);
            g.scale(figure, figure);
            if (scene.view() == View.LEFT) g.scale(-1, 1);
            new Figure(p, scene, c).draw();
            g.setTransform(pixels);

            if (scene.occluded()) {
                double y = top + scene.occluderTop() * figure;
                c.round(-4, y, width + 4, height + 8, Math.max(2, width * 0.08), c.lit(scene.occluderRgb()));
                c.rect(0, y + (height - y) * 0.45, width, y + (height - y) * 0.55, c.lit(scene.occluderRgb(), 0.7));
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** One drawing of one person in figure units. */
    private static final class Figure {
        private final Identity p;
        private final Scene scene;
        private final Canvas c;
        private final View view;
        private final double bodyHalfWidth;
        private final Color skin;
        private final Color upper;
        private final Color lower;

        Figure(Identity p, Scene scene, Canvas c) {
            this.p = p;
            this.scene = scene;
            this.c = c;
            this.view = scene.view();
            double shoulders = p.gender() == Gender.FEMALE ? 0.93 : 1.0;
            double half = 0.10 * p.build().widthFactor() * shoulders;
            this.bodyHalfWidth = side() ? half * 0.66 : half;
            this.skin = c.lit(SKIN[p.skinTone()]);
            this.upper = c.lit(p.upperColour().rgb());
            this.lower = c.lit(p.lowerColour().rgb());
        }

        private boolean side() {
            return view == View.LEFT || view == View.RIGHT;
        }

        void draw() {
            if (side()) drawSide();
            else drawFrontOrBack();
        }

        // ------------------------------------------------------------------ front and back

        private void drawFrontOrBack() {
            boolean front = view == View.FRONT;
            double w = bodyHalfWidth;
            if (front && p.hairLength() != HairLength.SHORT)
                hairBehindHead(p.hairLength() == HairLength.LONG ? 0.25 : 0.16);
            double legX = 0.044 * p.build().widthFactor() + 0.01;
            double spread = 0.006 * scene.stride();
            leg(-legX - spread, 0, 1.0);
            leg(legX + spread, 0, 1.0);
            hips(w);
            c.rect(-0.022, 0.12, 0.022, 0.17, skin); // neck
            torso(-w, w, front);
            if (!front && p.carried() == Carried.BACKPACK) {
                Color bag = c.lit(p.carriedColour().rgb());
                c.round(-w * 0.8, 0.19, w * 0.8, 0.45, 0.03, bag);
                c.round(
                        -w * 0.55,
                        0.34,
                        w * 0.55,
                        0.43,
                        0.02,
                        c.lit(p.carriedColour().rgb(), 0.75));
                c.line(-0.02, 0.19, 0.02, 0.19, 0.012, c.lit(p.carriedColour().rgb(), 0.6));
            }
            double swing = Math.toRadians(3 + 2 * scene.armSwing());
            double armX = w + 0.026;
            // Person's right arm is on the image's left when seen from the front.
            arm(-armX, swing, 1.0, front ? Side.RIGHT : Side.LEFT);
            arm(armX, -swing, 1.0, front ? Side.LEFT : Side.RIGHT);
            if (front && p.logo()) {
                c.ellipse(0, 0.27, 0.03, 0.03, c.lit(p.logoColour().rgb()));
                c.ellipse(
                        0,
                        0.27,
                        0.012,
                        0.012,
                        c.lit(Canvas.mix(p.logoColour().rgb(), p.upperColour().rgb(), 0.5)));
            }
            if (front) headFront();
            else headBack();
        }

        /** Hair that shows around the head and neck from the front. */
        private void hairBehindHead(double bottom) {
            c.round(-0.066, 0.04, 0.066, bottom, 0.03, c.lit(p.hairColour().rgb()));
        }

        private void headFront() {
            Color hair = c.lit(p.hairColour().rgb());
            c.ellipse(0, 0.076, 0.048, 0.06, skin);
            c.ellipse(-0.018, 0.08, 0.0075, 0.0075, c.lit(0x2A2020));
            c.ellipse(0.018, 0.08, 0.0075, 0.0075, c.lit(0x2A2020));
            clipped(new Rectangle2D.Double(-0.1, -0.05, 0.2, 0.092), () -> c.ellipse(0, 0.072, 0.054, 0.066, hair));
            if (p.hairLength() != HairLength.SHORT) {
                double bottom = p.hairLength() == HairLength.LONG ? 0.25 : 0.15;
                c.round(-0.062, 0.04, -0.04, bottom, 0.012, hair);
                c.round(0.04, 0.04, 0.062, bottom, 0.012, hair);
            }
            headwear(true);
        }

        private void headBack() {
            Color hair = c.lit(p.hairColour().rgb());
            c.ellipse(0, 0.076, 0.05, 0.062, skin);
            double bottom =
                    switch (p.hairLength()) {
                        case SHORT -> 0.115;
                        case MEDIUM -> 0.16;
                        case LONG -> 0.27;
                    };
            clipped(
                    new Rectangle2D.Double(-0.1, -0.05, 0.2, bottom + 0.05),
                    () -> c.ellipse(0, 0.073, 0.055, 0.068, hair));
            if (p.hairLength() != HairLength.SHORT) c.round(-0.058, 0.06, 0.058, bottom, 0.025, hair);
            headwear(false);
        }

        // ------------------------------------------------------------------ side

        private void drawSide() {
            double d = bodyHalfWidth;
            double stride = Math.toRadians(20 * scene.stride());
            double swing = Math.toRadians(22 * scene.armSwing());
            Side near = view.nearSide();
            Side far = near == Side.LEFT ? Side.RIGHT : Side.LEFT;
            arm(0, -swing, 0.78, far);
            leg(0, -stride, 0.82);
            if (p.carried() == Carried.BACKPACK) {
                c.round(
                        -d - 0.078,
                        0.19,
                        -d + 0.014,
                        0.45,
                        0.025,
                        c.lit(p.carriedColour().rgb()));
                c.round(
                        -d - 0.09,
                        0.3,
                        -d - 0.05,
                        0.43,
                        0.012,
                        c.lit(p.carriedColour().rgb(), 0.75));
            }
            leg(0, stride, 1.0);
            hips(d);
            c.rect(-0.02, 0.12, 0.022, 0.17, skin);
            torso(-d, d, false);
            if (p.carried() == Carried.BACKPACK) {
                c.line(
                        -d + 0.012,
                        0.17,
                        d * 0.55,
                        0.27,
                        0.014,
                        c.lit(p.carriedColour().rgb(), 0.6));
            }
            if (p.hairLength() == HairLength.LONG)
                c.round(-0.062, 0.06, -0.008, 0.27, 0.02, c.lit(p.hairColour().rgb()));
            if (p.carried() == Carried.SHOULDER_BAG && p.carriedSide() == near) {
                Color bag = c.lit(p.carriedColour().rgb());
                c.line(0.005, 0.16, -0.03, 0.44, 0.014, c.lit(p.carriedColour().rgb(), 0.7));
                c.round(-0.08, 0.42, 0.03, 0.535, 0.015, bag);
                c.rect(-0.08, 0.42, 0.03, 0.445, c.lit(p.carriedColour().rgb(), 0.8));
            }
            arm(0, swing, 1.0, near);
            headSide();
        }

        private void headSide() {
            Color hair = c.lit(p.hairColour().rgb());
            c.ellipse(0.004, 0.076, 0.05, 0.062, skin);
            c.ellipse(0.052, 0.088, 0.011, 0.013, skin); // nose
            c.ellipse(0.03, 0.072, 0.0065, 0.0065, c.lit(0x2A2020));
            double bottom = p.hairLength() == HairLength.SHORT ? 0.11 : 0.15;
            clipped(new Rectangle2D.Double(-0.1, -0.05, 0.2, 0.092), () -> c.ellipse(0.0, 0.072, 0.056, 0.066, hair));
            clipped(
                    new Rectangle2D.Double(-0.1, -0.05, 0.1, bottom + 0.05),
                    () -> c.ellipse(-0.002, 0.074, 0.055, 0.068, hair));
            headwear(false);
        }

        // ------------------------------------------------------------------ parts

        /** A leg hanging from the hip at (x, 0.5), rotated by {@code angle}, with its garment and shoe. */
        private void leg(double x, double angle, double shade) {
            AffineTransform saved = c.g.getTransform();
            c.g.rotate(angle, x, 0.5);
            double w = 0.035;
            Color skinShade = shaded(SKIN[p.skinTone()], shade);
            Color garment = shaded(p.lowerColour().rgb(), shade);
            LowerType type = p.lowerType();
            double coverTo =
                    switch (type) {
                        case TROUSERS, JEANS -> 0.935;
                        case SHORTS -> 0.66;
                        case SKIRT -> 0.5;
                    };
            c.rect(x - w, 0.49, x + w, 0.935, skinShade);
            c.rect(x - w, 0.49, x + w, coverTo, garment);
            if (type == LowerType.JEANS) {
                c.line(
                        x + w * 0.6,
                        0.53,
                        x + w * 0.6,
                        0.92,
                        0.006,
                        shaded(Canvas.mix(p.lowerColour().rgb(), WHITE, 0.35), shade));
            } else if (type == LowerType.TROUSERS) {
                c.line(x, 0.56, x, 0.92, 0.005, shaded(p.lowerColour().rgb(), shade * 0.8));
            }
            shoe(x, shade);
            c.g.setTransform(saved);
        }

        private void shoe(double x, double shade) {
            int rgb = p.shoeColour().rgb();
            Color colour = shaded(rgb, shade);
            // Side views: the foot points forward (+x).
            double fwd = side() ? 0.03 : 0.0;
            double half = side() ? 0.052 : 0.042;
            switch (p.shoeType()) {
                case BOOTS -> {
                    c.round(x - 0.042, Visibility.BOOTS_TOP, x + 0.042, 0.975, 0.012, colour);
                    c.round(x - half + fwd, 0.94, x + half + fwd, 0.99, 0.015, colour);
                    c.rect(x - half + fwd, 0.982, x + half + fwd, 0.995, shaded(Canvas.mix(rgb, BLACK, 0.5), shade));
                }
                case SNEAKERS -> {
                    c.round(x - half + fwd, 0.925, x + half + fwd, 0.985, 0.02, colour);
                    int sole = p.shoeColour() == Colour.WHITE ? 0xB0B0B0 : 0xF2F2F2;
                    c.rect(x - half + fwd, 0.976, x + half + fwd, 0.995, shaded(sole, shade));
                }
                case SHOES -> {
                    c.round(x - half * 0.95 + fwd, 0.935, x + half * 0.95 + fwd, 0.99, 0.02, colour);
                    c.line(
                            x - half * 0.5 + fwd,
                            0.948,
                            x + half * 0.3 + fwd,
                            0.948,
                            0.005,
                            shaded(Canvas.mix(rgb, WHITE, 0.4), shade));
                }
            }
        }

        /** What covers the hips: the top of the trousers or shorts, or a skirt. */
        private void hips(double w) {
            if (p.lowerType() == LowerType.SKIRT) {
                c.polygon(lower, -w * 0.92, 0.47, w * 0.92, 0.47, w * 1.3, 0.7, -w * 1.3, 0.7);
            } else {
                c.rect(-w * 0.9, 0.47, w * 0.9, 0.56, lower);
            }
        }

        /** The upper garment on the torso, with its pattern and the details that tell garment types apart. */
        private void torso(double x0, double x1, boolean front) {
            UpperType type = p.upperType();
            double bottom = type == UpperType.COAT ? 0.7 : 0.5;
            Shape body = new RoundRectangle2D.Double(x0, 0.155, x1 - x0, bottom - 0.155, 0.09, 0.09);
            c.fill(body, upper);
            if (p.upperPattern() != Pattern.PLAIN) {
                Color pattern = c.lit(p.patternColour().rgb());
                boolean checked = p.upperPattern() == Pattern.CHECKED;
                clipped(body, () -> {
                    double step = checked ? 0.05 : 0.045;
                    double width = checked ? 0.011 : 0.017;
                    for (double y = 0.18; y < bottom; y += step) c.rect(x0, y, x1, y + width, pattern);
                    if (checked)
                        for (double x = x0 + 0.02; x < x1; x += step) c.rect(x, 0.155, x + width, bottom, pattern);
                });
            }
            Color dark = c.lit(p.upperColour().rgb(), 0.6);
            Color light = c.lit(Canvas.mix(p.upperColour().rgb(), WHITE, 0.45));
            switch (type) {
                case T_SHIRT -> {
                    if (front) c.ellipse(0, 0.155, 0.03, 0.022, skin);
                }
                case SHIRT -> {
                    if (front) {
                        c.polygon(light, -0.04, 0.152, 0.0, 0.2, 0.0, 0.165);
                        c.polygon(light, 0.04, 0.152, 0.0, 0.2, 0.0, 0.165);
                    }
                }
                case JACKET -> {
                    if (front) c.line(0, 0.17, 0, bottom - 0.01, 0.01, dark);
                    c.rect(x0 + 0.004, bottom - 0.025, x1 - 0.004, bottom - 0.005, dark);
                }
                case COAT -> {
                    if (front) {
                        c.line(0, 0.17, 0, bottom - 0.01, 0.008, dark);
                        c.polygon(dark, -0.045, 0.155, 0.0, 0.26, -0.02, 0.155);
                        c.polygon(dark, 0.045, 0.155, 0.0, 0.26, 0.02, 0.155);
                    }
                    c.rect(x0 + 0.004, 0.43, x1 - 0.004, 0.45, dark);
                }
                case SWEATER -> {
                    c.rect(x0 + 0.004, bottom - 0.035, x1 - 0.004, bottom - 0.004, dark);
                    if (front) c.ellipse(0, 0.156, 0.032, 0.02, dark);
                }
            }
        }

        /**
         * An arm from the shoulder at (x, 0.165), rotated by {@code angle}, with its sleeve,
         * hand and, on the carrying side, a handbag (when the view shows it).
         */
        private void arm(double x, double angle, double shade, Side which) {
            AffineTransform saved = c.g.getTransform();
            c.g.rotate(angle, x, 0.165);
            double w = 0.028, top = 0.165, end = 0.47;
            Color skinShade = shaded(SKIN[p.skinTone()], shade);
            Color sleeve = shaded(p.upperColour().rgb(), shade);
            double sleeveEnd = p.upperType().shortSleeves() ? 0.27 : end;
            c.round(x - w, top - 0.01, x + w, end, 0.025, skinShade);
            c.round(x - w, top - 0.01, x + w, sleeveEnd, 0.025, sleeve);
            if (!p.upperType().shortSleeves())
                c.rect(
                        x - w,
                        end - 0.02,
                        x + w,
                        end - 0.008,
                        shaded(p.upperColour().rgb(), shade * 0.7));
            c.ellipse(x, end + 0.012, 0.027, 0.03, skinShade);
            if (p.carried() == Carried.HANDBAG && p.carriedSide() == which && handbagShown()) {
                Color bag = shaded(p.carriedColour().rgb(), shade);
                c.line(
                        x - 0.02,
                        0.5,
                        x,
                        end + 0.005,
                        0.01,
                        shaded(p.carriedColour().rgb(), shade * 0.7));
                c.line(
                        x + 0.02,
                        0.5,
                        x,
                        end + 0.005,
                        0.01,
                        shaded(p.carriedColour().rgb(), shade * 0.7));
                c.round(x - 0.045, 0.5, x + 0.045, 0.58, 0.012, bag);
            }
            c.g.setTransform(saved);
        }

        /** A handbag shows from the front, the back and its own side, never from the far side. */
        private boolean handbagShown() {
            return view.nearSide() == null || view.nearSide() == p.carriedSide();
        }

        private void headwear(boolean front) {
            if (p.headwear() == Headwear.NONE) return;
            Color colour = c.lit(p.headwearColour().rgb());
            Color dark = c.lit(p.headwearColour().rgb(), 0.7);
            switch (p.headwear()) {
                case CAP -> {
                    clipped(
                            new Rectangle2D.Double(-0.1, -0.05, 0.2, 0.1),
                            () -> c.ellipse(0, 0.055, 0.057, 0.05, colour));
                    if (side()) c.round(0.02, 0.043, 0.1, 0.055, 0.006, dark);
                    else if (front) c.ellipse(0, 0.05, 0.06, 0.013, dark);
                    else c.rect(-0.03, 0.045, 0.03, 0.052, dark);
                }
                case HAT -> {
                    c.round(-0.045, -0.005, 0.045, 0.045, 0.015, colour);
                    c.ellipse(0, 0.045, 0.095, 0.014, dark);
                }
                case BEANIE -> {
                    clipped(
                            new Rectangle2D.Double(-0.1, -0.05, 0.2, 0.105),
                            () -> c.ellipse(0, 0.058, 0.057, 0.058, colour));
                    c.rect(-0.057, 0.043, 0.057, 0.056, dark);
                }
                case NONE -> {}
            }
        }

        private Color shaded(int rgb, double shade) {
            return c.lit(rgb, shade);
        }

        private void clipped(Shape clip, Runnable draw) {
            Shape saved = c.g.getClip();
            c.g.clip(clip);
            draw.run();
            c.g.setClip(saved);
        }
    }
}
