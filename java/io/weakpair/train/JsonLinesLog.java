package io.weakpair.train;

import io.weakpair.eval.RetrievalMetrics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The run's {@code log.jsonl}: one JSON object per step (epoch, step, learning rate, every
 * loss term, gradient norm, temperature, GITM/ITM pair count). A resumed run first drops the
 * lines of steps after its checkpoint (they will be taken again), so the log has each step once.
 * Each line is flushed as it is written: a checkpoint becomes visible only after its steps'
 * lines are on disk, so a run killed right after a checkpoint resumes with its whole log.
 */
public final class JsonLinesLog implements TrainingListener {
    private static final Pattern STEP = Pattern.compile("\"step\":(\\d+)");
    private BufferedWriter out;

    @Override
    public void onStart(TrainConfig cfg, RunState state, long totalSteps, RunFolder run) throws IOException {
        Path file = run.log();
        if (state.step() > 0 && Files.exists(file)) {
            List<String> kept = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Matcher m = STEP.matcher(line);
                if (m.find() && Long.parseLong(m.group(1)) < state.step()) kept.add(line);
            }
            io.weakpair.io.AtomicFile.writeString(file, kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } else {
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        }
    }

    @Override
    public void onStep(StepRecord r) throws IOException {
        out.write(String.format(
                Locale.ROOT,
                "{\"epoch\":%d,\"step\":%d,\"lr\":%.6g,\"loss\":%.6f,\"itc\":%.6f,\"matching\":%.6f,\"mlm\":%.6f,\"grad_norm\":%.4f,"
                        + "\"temperature\":%.5f,\"pairs\":%d}%n",
                r.epoch(),
                r.step(),
                r.lr(),
                r.loss(),
                r.itc(),
                r.matching(),
                r.mlm(),
                r.gradNorm(),
                r.temperature(),
                r.pairs()));
        out.flush();
    }

    /**
     * One line per evaluation, keyed by the step it followed (so a resumed run drops it with the
     * steps after its checkpoint), with R@1/5/10, mAP and mINP of each ranking, in percent.
     */
    @Override
    public void onEvaluation(long step, String split, Map<String, RetrievalMetrics> metrics, double seconds)
            throws IOException {
        StringBuilder b = new StringBuilder(
                String.format(Locale.ROOT, "{\"step\":%d,\"eval\":\"%s\",\"seconds\":%.1f", step, split, seconds));
        for (Map.Entry<String, RetrievalMetrics> e : metrics.entrySet()) {
            RetrievalMetrics m = e.getValue();
            b.append(String.format(
                    Locale.ROOT,
                    ",\"%s\":{\"r1\":%.2f,\"r5\":%.2f,\"r10\":%.2f,\"map\":%.2f,\"minp\":%.2f}",
                    e.getKey(),
                    100 * m.r1(),
                    100 * m.r5(),
                    100 * m.r10(),
                    100 * m.mAP(),
                    100 * m.mINP()));
        }
        out.write(b.append("}\n").toString());
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (out != null) out.close();
        out = null;
    }
}
