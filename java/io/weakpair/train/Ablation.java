package io.weakpair.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.weakpair.data.Dataset;
import io.weakpair.io.AtomicFile;
import io.weakpair.tensor.Device;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's ablation on one dataset (docs/data.md, "the ablation protocol"): every variant is
 * trained under every seed from the same base configuration, so under one seed all variants see
 * the same data, initial weights and batch order, and the same number of steps. Each variant's
 * mean and standard deviation per ranking and metric are reported, with the paired difference to
 * its reference (itc-id for the contrastive variants, uitc+itm for the matching ones) and the
 * number of seeds it wins. Finished runs are kept (their metrics.json) and not repeated, so a
 * stopped study continues where it was.
 */
public final class Ablation {
    /** The keys the study sets itself, per variant and seed: the base configuration's values of these are not used. */
    public static final java.util.Set<ConfigKey> VARIED = java.util.Collections.unmodifiableSet(java.util.EnumSet.of(
            ConfigKey.STAGE, ConfigKey.TARGETS, ConfigKey.ALPHA, ConfigKey.MATCHING, ConfigKey.SEED));

    /** One row of the study: a name, the keys it sets over the base, and the variant it is compared with. */
    public record Variant(String name, Map<ConfigKey, Object> settings, String reference) {}

    /** The paper's table: contrastive targets first (vs itc-id), then the matching losses on uITC (vs uitc+itm). */
    public static List<Variant> standard() {
        List<Variant> v = new ArrayList<>();
        v.add(new Variant("itc-strict", Map.of(ConfigKey.TARGETS, "strict", ConfigKey.MATCHING, "none"), "itc-id"));
        v.add(new Variant("itc-id", Map.of(ConfigKey.TARGETS, "id", ConfigKey.MATCHING, "none"), null));
        v.add(new Variant(
                "uitc-0.3",
                Map.of(ConfigKey.TARGETS, "uncertainty", ConfigKey.ALPHA, 0.3, ConfigKey.MATCHING, "none"),
                "itc-id"));
        v.add(new Variant(
                "uitc-0.6",
                Map.of(ConfigKey.TARGETS, "uncertainty", ConfigKey.ALPHA, 0.6, ConfigKey.MATCHING, "none"),
                "itc-id"));
        v.add(new Variant(
                "uitc+itm",
                Map.of(ConfigKey.TARGETS, "uncertainty", ConfigKey.ALPHA, 0.6, ConfigKey.MATCHING, "itm"),
                null));
        v.add(new Variant(
                "uitc+gitm",
                Map.of(ConfigKey.TARGETS, "uncertainty", ConfigKey.ALPHA, 0.6, ConfigKey.MATCHING, "gitm"),
                "uitc+itm"));
        return v;
    }

    /** The variants named in {@code names} (comma-separated), in the standard order; unknown names are an error listing the known ones. */
    public static List<Variant> select(String names) {
        List<Variant> all = standard(), chosen = new ArrayList<>();
        List<String> wanted = List.of(names.split(","));
        for (String w : wanted) {
            if (all.stream().noneMatch(v -> v.name().equals(w.trim())))
                throw new IllegalArgumentException("--variants: unknown variant '" + w.trim() + "'; known: "
                        + String.join(", ", all.stream().map(Variant::name).toList()));
        }
        for (Variant v : all) if (wanted.stream().anyMatch(w -> w.trim().equals(v.name()))) chosen.add(v);
        return chosen;
    }

    /** Metrics of one run per ranking, as metrics.json holds them (percent). */
    public record RunResult(String variant, long seed, Map<String, Map<String, Double>> metrics, double trainSeconds) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TrainConfig base;
    private final List<Variant> variants;
    private final List<Long> seeds;
    private final Path out;
    private final Device device;
    private final PrintStream log;

    public Ablation(
            TrainConfig base, List<Variant> variants, List<Long> seeds, Path out, Device device, PrintStream log) {
        if (variants.isEmpty()) throw new IllegalArgumentException("ablation: no variant to run");
        if (seeds.size() < 2)
            throw new IllegalArgumentException(
                    "ablation: paired statistics need at least 2 seeds, got " + seeds.size());
        this.base = base;
        this.variants = List.copyOf(variants);
        this.seeds = List.copyOf(seeds);
        this.out = out;
        this.device = device;
        this.log = log;
    }

    /** Runs (or reuses) every variant x seed, then writes ablation.json and ablation.md in the output folder; returns the table. */
    public String run(Dataset dataset) throws IOException {
        Files.createDirectories(out);
        List<RunResult> results = new ArrayList<>();
        int total = variants.size() * seeds.size(), done = 0;
        long start = System.nanoTime();
        for (long seed : seeds) {
            for (Variant v : variants) {
                done++;
                Path runDir = out.resolve(v.name()).resolve("seed-" + seed);
                Path metrics = runDir.resolve("metrics.json");
                TrainConfig cfg =
                        base.withAll(v.settings(), "variant " + v.name()).with(ConfigKey.SEED, seed);
                if (cfg.objective().matching() == Objective.Matching.NONE) cfg = cfg.with(ConfigKey.K_TEST, 0);
                // A run left by an earlier study is reused (finished) or resumed (stopped) only if it
                // was made with this study's settings: otherwise the table would mix two studies.
                requireSameSettings(runDir, cfg);
                if (!Files.isRegularFile(metrics)) {
                    log.printf(
                            Locale.ROOT,
                            "[%d/%d] %s, seed %d (%s elapsed)%n",
                            done,
                            total,
                            v.name(),
                            seed,
                            io.weakpair.progress.Durations.format((System.nanoTime() - start) / 1e9));
                    RunFolder run = RunFolder.prepare(runDir);
                    boolean resume = run.latest() != null;
                    Trainer.Outcome o = new Trainer(
                                    cfg,
                                    device,
                                    run,
                                    new PrintStream(OutputStream.nullOutputStream()),
                                    List.of(new JsonLinesLog()))
                            .run(dataset, resume);
                    if (o.evaluation() == null)
                        throw new IllegalArgumentException(
                                "ablation: the dataset has no test or val split to evaluate on");
                    io.weakpair.report.MetricsTable.write(
                            metrics,
                            o.evaluation(),
                            io.weakpair.report.MetricsTable.context(
                                    "variant", v.name(), "seed", seed, "train_seconds", o.trainSeconds()));
                    log.printf(
                            Locale.ROOT,
                            "    %s: ITC R@1 %.2f mAP %.2f (%.0f s)%n",
                            v.name(),
                            100 * o.evaluation().metrics().get("itc").r1(),
                            100 * o.evaluation().metrics().get("itc").mAP(),
                            o.trainSeconds());
                }
                results.add(read(v.name(), seed, metrics));
            }
        }
        String table = table(results);
        AtomicFile.writeString(out.resolve("ablation.md"), table);
        AtomicFile.writeString(out.resolve("ablation.json"), json(results));
        return table;
    }

    /**
     * Fails if {@code runDir} holds a run whose saved configuration differs from {@code cfg} in a key
     * that changes training (the keys {@link ConfigKey#changeableOnResume} only watch a run).
     */
    static void requireSameSettings(Path runDir, TrainConfig cfg) throws IOException {
        Path saved = runDir.resolve(RunFolder.CONFIG);
        if (!Files.isRegularFile(saved)) return;
        Map<ConfigKey, Object>
                before = ConfigFile.read(saved, TrainConfig.defaults()).effective(),
                now = cfg.effective();
        for (ConfigKey k : ConfigKey.values()) {
            if (k.changeableOnResume() || java.util.Objects.equals(before.get(k), now.get(k))) continue;
            throw new IllegalArgumentException("ablation: " + runDir + " was trained with " + k.key() + "="
                    + before.get(k) + ", this study asks for " + now.get(k)
                    + "; use a new --out folder (or delete that run to redo it)");
        }
    }

    private static RunResult read(String variant, long seed, Path file) throws IOException {
        var n = JSON.readTree(file.toFile());
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        for (String ranking : new String[] {"itc", "itm", "itc+itm"}) {
            if (!n.has(ranking)) continue;
            Map<String, Double> values = new LinkedHashMap<>();
            n.get(ranking)
                    .fields()
                    .forEachRemaining(e -> values.put(e.getKey(), e.getValue().asDouble()));
            m.put(ranking, values);
        }
        return new RunResult(variant, seed, m, n.path("train_seconds").asDouble());
    }

    /** The markdown report: per variant and ranking, mean +- std of R@1, mAP, mINP; the paired difference to the reference and the wins. */
    String table(List<RunResult> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "Seeds %s; per seed every variant has the same data, initial weights and batch order (%s).%n%n",
                seeds,
                base.describe()));
        sb.append(
                "| variant | ranking | R@1 | mAP | mINP | vs | paired d mAP (mean ± sd, wins, sign p, t p) | paired d R@1 | train s |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Variant v : variants) {
            for (String ranking : new String[] {"itc", "itm", "itc+itm"}) {
                List<RunResult> mine = results.stream()
                        .filter(r -> r.variant().equals(v.name()) && r.metrics().containsKey(ranking))
                        .toList();
                if (mine.isEmpty()) continue;
                sb.append("| ").append(v.name()).append(" | ").append(ranking);
                for (String metric : new String[] {"R@1", "mAP", "mINP"})
                    sb.append(" | ").append(meanStd(values(mine, ranking, metric)));
                String vs = "", diffMap = "", diffR1 = "";
                if (v.reference() != null
                        && variants.stream().anyMatch(x -> x.name().equals(v.reference()))) {
                    double[] dm = paired(results, v.name(), v.reference(), ranking, "mAP");
                    double[] dr = paired(results, v.name(), v.reference(), ranking, "R@1");
                    if (dm.length > 0) {
                        vs = v.reference();
                        diffMap = PairedTest.of(dm).describe();
                        diffR1 = PairedTest.of(dr).describe();
                    }
                }
                sb.append(" | ")
                        .append(vs)
                        .append(" | ")
                        .append(diffMap)
                        .append(" | ")
                        .append(diffR1)
                        .append(" | ")
                        .append(String.format(
                                Locale.ROOT,
                                "%.0f",
                                mine.stream()
                                        .mapToDouble(RunResult::trainSeconds)
                                        .average()
                                        .orElse(0)))
                        .append(" |\n");
            }
        }
        return sb.toString();
    }

    private static double[] values(List<RunResult> rs, String ranking, String metric) {
        return rs.stream()
                .mapToDouble(r -> r.metrics().get(ranking).get(metric))
                .toArray();
    }

    /** Differences variant - reference, per seed where both have the ranking. */
    static double[] paired(List<RunResult> results, String variant, String reference, String ranking, String metric) {
        List<Double> d = new ArrayList<>();
        for (RunResult a : results) {
            if (!a.variant().equals(variant) || !a.metrics().containsKey(ranking)) continue;
            for (RunResult b : results)
                if (b.variant().equals(reference)
                        && b.seed() == a.seed()
                        && b.metrics().containsKey(ranking))
                    d.add(a.metrics().get(ranking).get(metric)
                            - b.metrics().get(ranking).get(metric));
        }
        return d.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** "mean +- sample std" with two decimals. */
    static String meanStd(double[] v) {
        double mean = 0;
        for (double x : v) mean += x / v.length;
        double ss = 0;
        for (double x : v) ss += (x - mean) * (x - mean);
        double std = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0;
        return String.format(Locale.ROOT, "%.2f ± %.2f", mean, std);
    }

    private String json(List<RunResult> results) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.putPOJO("base", base.describe());
        root.putPOJO("seeds", seeds);
        var runs = root.putArray("runs");
        for (RunResult r : results) {
            ObjectNode n = runs.addObject();
            n.put("variant", r.variant()).put("seed", r.seed()).put("train_seconds", r.trainSeconds());
            n.putPOJO("metrics", r.metrics());
        }
        // The paired tests of each variant against its reference, per ranking and metric.
        var tests = root.putArray("paired");
        for (Variant v : variants) {
            if (v.reference() == null
                    || variants.stream().noneMatch(x -> x.name().equals(v.reference()))) continue;
            for (String ranking : new String[] {"itc", "itm", "itc+itm"}) {
                for (String metric : new String[] {"R@1", "mAP"}) {
                    double[] d = paired(results, v.name(), v.reference(), ranking, metric);
                    if (d.length == 0) continue;
                    PairedTest t = PairedTest.of(d);
                    ObjectNode n = tests.addObject();
                    n.put("variant", v.name())
                            .put("reference", v.reference())
                            .put("ranking", ranking)
                            .put("metric", metric)
                            .put("pairs", t.n())
                            .put("mean", t.mean())
                            .put("sd", t.sd())
                            .put("wins", t.wins())
                            .put("losses", t.losses())
                            .put("sign_p", t.signP())
                            .put("t", t.t())
                            .put("t_p", t.tP());
                }
            }
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }
}
