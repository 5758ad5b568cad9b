package io.weakpair.report;

import io.weakpair.io.AtomicFile;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The end-of-training plot ({@code RUN/plot.png}): the loss and its terms per step (a moving
 * average when there are many steps) with each epoch's mean loss marked, and below it, when
 * the run was evaluated, R@1 and mAP per epoch for every ranking. {@value #WIDTH} pixels wide,
 * {@value #PANEL_HEIGHT} high per panel.
 */
public final class TrainingPlot {
    public static final String FILE = "plot.png";
    public static final int WIDTH = 1000;
    public static final int PANEL_HEIGHT = 420;
    /** Above this many steps the per-step lines are a moving average of about steps / 100. */
    private static final int RAW_STEPS = 200;

    private TrainingPlot() {}

    /** Reads the run folder ({@link TrainingHistory#read}) and writes {@code RUN/plot.png}; returns its path. */
    public static Path write(Path runDir) throws IOException {
        Path out = runDir.resolve(FILE);
        write(TrainingHistory.read(runDir), out);
        return out;
    }

    /** Writes the plot of {@code history} to {@code out} (PNG, replaced atomically). */
    public static void write(TrainingHistory history, Path out) throws IOException {
        if (history.steps().isEmpty())
            throw new IllegalArgumentException("training plot: the step log has no step to plot");
        List<BufferedImage> panels = new ArrayList<>();
        panels.add(BitmapEncoder.getBufferedImage(losses(history.steps())));
        if (!history.epochMetrics().isEmpty())
            panels.add(BitmapEncoder.getBufferedImage(retrieval(history.epochMetrics())));
        BufferedImage sheet = new BufferedImage(WIDTH, PANEL_HEIGHT * panels.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            for (int i = 0; i < panels.size(); i++) g.drawImage(panels.get(i), 0, i * PANEL_HEIGHT, null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(sheet, "png", png)) throw new IOException("cannot write " + out + ": no PNG writer");
        AtomicFile.write(out, png.toByteArray());
    }

    private static XYChart losses(List<TrainingHistory.Step> steps) {
        int n = steps.size();
        int window = n <= RAW_STEPS ? 1 : Math.max(2, n / 100);
        XYChart chart = chart(
                window == 1
                        ? "Training loss per step"
                        : "Training loss per step (moving average of " + window + " steps)",
                "step",
                "loss");
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = steps.get(i).step() + 1;
        line(chart, "loss", x, movingAverage(steps, -1, window));
        for (int t = 0; t < TrainingHistory.TERMS.size(); t++) {
            double[] y = movingAverage(steps, t, window);
            if (java.util.Arrays.stream(y).allMatch(Double::isNaN)) continue; // a term this run did not log
            line(chart, TrainingHistory.TERMS.get(t), x, y);
        }
        // Each epoch's mean total loss, at the epoch's last step.
        List<Double> ex = new ArrayList<>(), ey = new ArrayList<>();
        double sum = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            sum += steps.get(i).loss();
            count++;
            if (i == n - 1 || steps.get(i + 1).epoch() != steps.get(i).epoch()) {
                ex.add(x[i]);
                ey.add(sum / count);
                sum = 0;
                count = 0;
            }
        }
        XYSeries means = chart.addSeries("epoch mean loss", ex, ey);
        means.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        means.setMarker(SeriesMarkers.DIAMOND);
        return chart;
    }

    private static XYChart retrieval(Map<Integer, Map<String, Map<String, Double>>> perEpoch) {
        XYChart chart = chart("Text-to-image retrieval per epoch", "epoch", "percent");
        // Ranking names in the order they first appear; R@1 and mAP of each.
        List<String> rankings = new ArrayList<>();
        for (Map<String, Map<String, Double>> m : perEpoch.values())
            for (String r : m.keySet()) if (!rankings.contains(r)) rankings.add(r);
        for (String ranking : rankings) {
            for (String metric : List.of("R@1", "mAP")) {
                List<Double> x = new ArrayList<>(), y = new ArrayList<>();
                for (Map.Entry<Integer, Map<String, Map<String, Double>>> e : perEpoch.entrySet()) {
                    Double v = e.getValue().getOrDefault(ranking, Map.of()).get(metric);
                    if (v != null) {
                        x.add((double) e.getKey());
                        y.add(v);
                    }
                }
                if (x.isEmpty()) continue;
                XYSeries s = chart.addSeries(ranking + " " + metric, x, y);
                s.setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return chart;
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder()
                .width(WIDTH)
                .height(PANEL_HEIGHT)
                .title(title)
                .xAxisTitle(xTitle)
                .yAxisTitle(yTitle)
                .build();
        Styler st = chart.getStyler();
        st.setLegendPosition(Styler.LegendPosition.OutsideE);
        st.setChartBackgroundColor(Color.WHITE);
        st.setMarkerSize(6);
        return chart;
    }

    private static void line(XYChart chart, String name, double[] x, double[] y) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
    }

    /** The trailing moving average of the total loss ({@code term} -1) or a term, over {@code window} steps; NaN stays NaN. */
    private static double[] movingAverage(List<TrainingHistory.Step> steps, int term, int window) {
        int n = steps.size();
        double[] out = new double[n];
        double sum = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            double v = value(steps.get(i), term);
            sum += v;
            count++;
            if (count > window) {
                sum -= value(steps.get(i - window), term);
                count--;
            }
            out[i] = sum / count;
        }
        return out;
    }

    private static double value(TrainingHistory.Step s, int term) {
        return term < 0 ? s.loss() : s.terms()[term];
    }
}
