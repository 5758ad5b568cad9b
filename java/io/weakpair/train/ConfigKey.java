package io.weakpair.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every knob of a training run, in one table: its name in {@code config.yaml} and in
 * {@code --set KEY=VALUE}, the kind of value, the default, and what it does. Parsing and range
 * checks live here, so the configuration file and the command line give the same errors.
 *
 * <p>Values are kept as Java objects: {@code Integer}, {@code Long}, {@code Double} or
 * {@code String} (choices lower-cased; sizes and batches as "HxW" / "PxK" text).
 */
public enum ConfigKey {
    STAGE("stage", Kind.CHOICE, "finetune", "finetune (uITC + GITM + MLM) or pretrain (itc-id + ITM + MLM): sets the defaults of targets and matching",
            "finetune", "pretrain"),
    PRESET("preset", Kind.CHOICE, "tiny", "model preset for a fresh start (ignored with init)", "tiny", "small", "base"),
    INIT("init", Kind.TEXT, "pretrained", "start from this checkpoint (its vocabulary beside it; a run or checkpoint folder: its "
            + "model.safetensors); pretrained: the shipped pre-trained tiny model (models/README.md); none: a fresh preset. A preset "
            + "given without init trains from scratch"),
    IMAGE_SIZE("image_size", Kind.SIZE, "preset", "input image size HxW; preset: the starting checkpoint's own, else the preset's "
            + "(tiny: 128x48); a smaller size trains faster from scratch (64x32: a quarter of the pixels)"),
    DATASET("dataset", Kind.TEXT, "", "dataset folder (CUHK-PEDES, ICFG-PEDES or RSTPReid layout); empty: the built-in synthetic benchmark"),
    DATASET_FORMAT("dataset_format", Kind.CHOICE, "auto", "dataset layout; auto: from the annotation file present",
            "auto", "cuhk-pedes", "icfg-pedes", "rstpreid"),
    BATCH("batch", Kind.BATCH, "16x4", "P identities x K instances per identity per batch (K >= 2: weak pairs need company)"),
    EPOCHS("epochs", Kind.INT, "6", "passes over the training pairs", 1, 100_000),
    MAX_STEPS("max_steps", Kind.INT, "0", "stop after this many steps; 0: no limit", 0, Integer.MAX_VALUE),
    LR("lr", Kind.REAL, null, "peak learning rate of the encoders; default 1e-4 when fine-tuning a checkpoint (init), 1e-3 from scratch",
            1e-12, 10),
    LR_HEADS("lr_heads", Kind.REAL, null, "peak learning rate of the projections, the ITM head and the temperature; default 5e-4 when "
            + "fine-tuning a checkpoint (init), 1e-3 from scratch", 1e-12, 10),
    MIN_LR("min_lr", Kind.REAL, "1e-6", "learning rate at the end of the cosine (at most lr)", 0, 10),
    WEIGHT_DECAY("weight_decay", Kind.REAL, "0.02", "AdamW decoupled weight decay (biases, LayerNorm, embeddings and temp excluded)", 0, 10),
    WARMUP_STEPS("warmup_steps", Kind.INT, "50", "linear warm-up steps", 0, Integer.MAX_VALUE),
    GRAD_CLIP("grad_clip", Kind.REAL, "5.0", "global gradient-norm clip; 0: off", 0, 1e12),
    TARGETS("targets", Kind.CHOICE, null, "contrastive targets: strict (itc-strict), id (itc-id), uncertainty (uITC); default from stage",
            "strict", "id", "uncertainty"),
    ALPHA("alpha", Kind.REAL, "0.6", "uncertainty weight of uITC, in [0, 1]", 0, 1),
    MATCHING("matching", Kind.CHOICE, null, "matching loss: none, itm or gitm; default from stage", "none", "itm", "gitm"),
    MATCHING_EPOCHS("matching_epochs", Kind.INT, "3", "the matching loss trains in the run's last N epochs (counted from the step "
            + "budget); earlier ones train the contrastive loss and MLM alone, several times faster; 0: every epoch", 0, 100_000),
    MINING("mining", Kind.CHOICE, "topk", "GITM's hard-negative mining: topk or sample", "topk", "sample"),
    BETA("beta", Kind.REAL, "1.0", "weight of the matching loss", 0, 1e6),
    LAMBDA_MLM("lambda_mlm", Kind.REAL, "1.0", "weight of masked language modelling; 0: off", 0, 1e6),
    FLIP("flip", Kind.REAL, "0.5", "augmentation: probability of mirroring a training image", 0, 1),
    K_TEST("k_test", Kind.INT, "32", "candidates re-ranked by the ITM head at evaluation; 0: similarity only", 0, 1_000_000),
    VOCAB_SIZE("vocab_size", Kind.INT, "4096", "largest vocabulary built from the training captions (fresh start only)", 16, 10_000_000),
    SEED("seed", Kind.WHOLE, "0", "seed of initialisation, batch order, augmentation, masks and negatives", Long.MIN_VALUE, Long.MAX_VALUE),
    EVAL_BATCH("eval_batch", Kind.INT, "128", "images or captions per forward pass at evaluation", 1, 1_000_000),
    MAX_BAD_STEPS("max_bad_steps", Kind.INT, "20", "stop after this many NaN/Inf losses in a row", 1, 1_000_000),
    KEEP_CHECKPOINTS("keep_checkpoints", Kind.INT, "2", "checkpoints kept in the run folder (the newest ones)", 1, 1_000_000),
    CHECKPOINT_EVERY("checkpoint_every", Kind.INT, "0", "also write a checkpoint every N steps (for long runs); 0: at each epoch's "
            + "end, at the end and on Ctrl-C only", 0, Integer.MAX_VALUE),
    EVAL_EVERY("eval_every", Kind.INT, "0", "evaluate on eval_dataset's val split every N steps (ITC and the top k_test re-ranked), "
            + "one line in log.jsonl each; 0: off", 0, Integer.MAX_VALUE),
    EVAL_DATASET("eval_dataset", Kind.TEXT, "", "dataset of the periodic evaluation (its val split, else test); empty: the built-in "
            + "synthetic benchmark (zero-shot when pre-training on another corpus)"),
    RECOMPUTE("recompute", Kind.CHOICE, "none", "layers that recompute their activations in backward instead of holding them: none "
            + "(fastest), fusion (the matching loss's layers) or all (least memory, one more forward); docs/memory.md", "none", "fusion", "all"),
    DEVICE("device", Kind.TEXT, "auto", "auto, cpu, cuda or cuda:N (auto: cuda:0 when a GPU is usable, else cpu)"),
    THREADS("threads", Kind.INT, "0", "CPU threads; 0: WEAKPAIR_THREADS, else all cores", 0, 4096);

    /** How a value is written and checked. */
    public enum Kind { INT, WHOLE, REAL, CHOICE, TEXT, SIZE, BATCH }

    private final String key;
    private final Kind kind;
    private final String defaultText;
    private final String help;
    private final List<String> choices;
    private final double min;
    private final double max;

    ConfigKey(String key, Kind kind, String defaultText, String help, String... choices) {
        this(key, kind, defaultText, help, 0, 0, choices);
    }

    ConfigKey(String key, Kind kind, String defaultText, String help, double min, double max) {
        this(key, kind, defaultText, help, min, max, new String[0]);
    }

    ConfigKey(String key, Kind kind, String defaultText, String help, double min, double max, String... choices) {
        this.key = key;
        this.kind = kind;
        this.defaultText = defaultText;
        this.help = help;
        this.choices = List.of(choices);
        this.min = min;
        this.max = max;
    }

    public String key() { return key; }

    public Kind kind() { return kind; }

    public String help() { return help; }

    /**
     * Whether {@code --resume} may change this key: it changes how a run is watched or where it
     * runs (checkpoint and evaluation cadence, threads, device), never the numbers it computes.
     */
    public boolean changeableOnResume() {
        return switch (this) {
            case KEEP_CHECKPOINTS, CHECKPOINT_EVERY, EVAL_EVERY, EVAL_DATASET, EVAL_BATCH, DEVICE, THREADS -> true;
            default -> false;
        };
    }

    /** The default as written in a config file; null where another key decides it (targets, matching: the stage; lr, lr_heads: init). */
    public String defaultText() { return defaultText; }

    /** The key of that name, or an error that lists the close ones. */
    public static ConfigKey of(String name, String where) {
        for (ConfigKey k : values()) if (k.key.equals(name)) return k;
        String close = closest(name);
        throw new IllegalArgumentException(where + ": unknown key '" + name + "'"
                + (close != null ? " (did you mean '" + close + "'?)" : "; the keys are listed by weakpair train --help"));
    }

    /**
     * Parses the text of a value (from YAML or {@code --set}) into its Java form, checking the
     * range or the choices; {@code where} names the place for the error (a file and line, a flag).
     */
    public Object parse(String text, String where) {
        String t = text == null ? "" : text.trim();
        String at = where + ": " + key;
        switch (kind) {
            case INT, WHOLE -> {
                long v;
                try {
                    v = Long.parseLong(t);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(at + " must be a whole number, got '" + t + "'");
                }
                if (v < min || v > max)
                    throw new IllegalArgumentException(at + " must be " + range(true) + ", got " + v);
                return kind == Kind.INT ? (Object) (int) v : (Object) v;
            }
            case REAL -> {
                double v;
                try {
                    v = Double.parseDouble(t);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(at + " must be a number, got '" + t + "'");
                }
                if (!(v >= min && v <= max)) throw new IllegalArgumentException(at + " must be " + range(false) + ", got " + t);
                return v;
            }
            case CHOICE -> {
                String v = t.toLowerCase(Locale.ROOT);
                if (!choices.contains(v))
                    throw new IllegalArgumentException(at + " must be one of " + String.join(", ", choices) + ", got '" + t + "'");
                return v;
            }
            case SIZE -> {
                if (t.equalsIgnoreCase("preset")) return "preset";
                int[] hw = pair(t, at, "HxW such as 128x48 (or preset)", 16, 4096);
                return hw[0] + "x" + hw[1];
            }
            case BATCH -> {
                int[] pk = pair(t, at, "PxK such as 16x4", 2, 100_000);
                return pk[0] + "x" + pk[1];
            }
            default -> {
                return t;
            }
        }
    }

    /** The two whole numbers of "AxB", each in [lo, hi]. */
    public static int[] pair(String text, String at, String expected, int lo, int hi) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x", -1);
        if (parts.length != 2) throw new IllegalArgumentException(at + " must be " + expected + ", got '" + text + "'");
        int[] v = new int[2];
        for (int i = 0; i < 2; i++) {
            try {
                v[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(at + " must be " + expected + ", got '" + text + "'");
            }
            if (v[i] < lo || v[i] > hi)
                throw new IllegalArgumentException(at + " must be " + expected + " with each number in [" + lo + ", " + hi + "], got '" + text + "'");
        }
        return v;
    }

    private String range(boolean whole) {
        String lo = whole ? Long.toString((long) min) : fmt(min);
        if (max >= (whole ? Integer.MAX_VALUE : 1e12)) return ">= " + lo;
        return "in [" + lo + ", " + (whole ? Long.toString((long) max) : fmt(max)) + "]";
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
    }

    /** The key nearest by edit distance, if it is a plausible typo. */
    private static String closest(String name) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey k : values()) {
            int d = distance(name.toLowerCase(Locale.ROOT).replace('-', '_'), k.key);
            if (d < bestDistance) {
                bestDistance = d;
                best = k.key;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++)
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** Every key's name, in table order. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (ConfigKey k : values()) names.add(k.key);
        return names;
    }
}
