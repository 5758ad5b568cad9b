package io.weakpair.data.synth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;

/**
 * Drawing primitives in the renderer's coordinates, with every colour passed through the
 * scene's light: a brightness and a per-channel cast, so one identity's colours shift a
 * little from camera to camera as they do in real footage.
 */
final class Canvas {
    final Graphics2D g;
    private final Scene scene;

    Canvas(Graphics2D g, Scene scene) {
        this.g = g;
        this.scene = scene;
    }

    /** The colour {@code rgb} under the scene's light, darkened by {@code shade} (1 = as lit). */
    Color lit(int rgb, double shade) {
        double k = scene.brightness() * shade;
        return new Color(
                channel(((rgb >> 16) & 0xFF) * k * scene.castR()),
                channel(((rgb >> 8) & 0xFF) * k * scene.castG()),
                channel((rgb & 0xFF) * k * scene.castB()));
    }

    Color lit(int rgb) {
        return lit(rgb, 1.0);
    }

    private static int channel(double v) {
        return (int) Math.max(0, Math.min(255, Math.round(v)));
    }

    /** Mixes {@code rgb} towards {@code towards} by {@code t} (0 = rgb). */
    static int mix(int rgb, int towards, double t) {
        int r = (int) Math.round(((rgb >> 16) & 0xFF) * (1 - t) + ((towards >> 16) & 0xFF) * t);
        int gg = (int) Math.round(((rgb >> 8) & 0xFF) * (1 - t) + ((towards >> 8) & 0xFF) * t);
        int b = (int) Math.round((rgb & 0xFF) * (1 - t) + (towards & 0xFF) * t);
        return r << 16 | gg << 8 | b;
    }

    void fill(Shape s, Color c) {
        g.setColor(c);
        g.fill(s);
    }

    void rect(double x0, double y0, double x1, double y1, Color c) {
        fill(new Rectangle2D.Double(x0, y0, x1 - x0, y1 - y0), c);
    }

    void round(double x0, double y0, double x1, double y1, double radius, Color c) {
        fill(new RoundRectangle2D.Double(x0, y0, x1 - x0, y1 - y0, 2 * radius, 2 * radius), c);
    }

    void ellipse(double cx, double cy, double rx, double ry, Color c) {
        fill(new Ellipse2D.Double(cx - rx, cy - ry, 2 * rx, 2 * ry), c);
    }

    void line(double x0, double y0, double x1, double y1, double width, Color c) {
        g.setColor(c);
        g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(new Line2D.Double(x0, y0, x1, y1));
    }

    void polygon(Color c, double... xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) p.lineTo(xy[i], xy[i + 1]);
        p.closePath();
        fill(p, c);
    }
}
