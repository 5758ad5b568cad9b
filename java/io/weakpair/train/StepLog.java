package io.weakpair.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What a person and a script see of training: one JSON line per step in the run folder, and
 * on the terminal a progress line at most every few seconds with the losses, the speed and
 * the time left.
 */
final class StepLog implements AutoCloseable {
    private static final long PRINT_EVERY_NS = 5_000_000_000L;

    private final BufferedWriter json;
    private final long totalSteps;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private long lastPrint;
    private double smoothed = Double.NaN;
    private long samples;

    StepLog(Path file, long totalSteps, PrintStream out) throws IOException {
        this.json = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        this.totalSteps = totalSteps;
        this.out = out;
    }

    void step(int epoch, long step, double lr, StepLosses l, double value, double gradNorm, double temperature, int batchSize) {
        samples += batchSize;
        smoothed = Double.isNaN(smoothed) ? value : 0.9 * smoothed + 0.1 * value;
        try {
            json.write(String.format(Locale.ROOT,
                    "{\"epoch\":%d,\"step\":%d,\"lr\":%.6g,\"loss\":%.6f,\"itc\":%.6f,\"matching\":%.6f,\"mlm\":%.6f,\"grad_norm\":%.4f,"
                            + "\"temperature\":%.5f,\"pairs\":%d}%n", epoch, step, lr, value, l.itc(), l.matching(), l.mlm(), gradNorm,
                    temperature, l.pairs()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training log: " + e.getMessage(), e);
        }
        long now = System.nanoTime();
        if (now - lastPrint >= PRINT_EVERY_NS || step + 1 == totalSteps) {
            lastPrint = now;
            double elapsed = (now - start) / 1e9;
            double perStep = elapsed / (step + 1);
            out.printf(Locale.ROOT, "step %d/%d (%3.0f%%) epoch %d  loss %.4f (itc %.3f, match %.3f, mlm %.3f)  tau %.4f  %.1f samples/s  ETA %s%n",
                    step + 1, totalSteps, 100.0 * (step + 1) / totalSteps, epoch + 1, smoothed, l.itc(), l.matching(), l.mlm(),
                    temperature, samples / elapsed, duration(perStep * (totalSteps - step - 1)));
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60) : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }

    @Override
    public void close() throws IOException { json.close(); }
}
