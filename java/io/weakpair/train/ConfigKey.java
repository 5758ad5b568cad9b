package io.weakpair.train;

import io.weakpair.backend.MiningMode;
import io.weakpair.loss.ContrastiveLoss;
import io.weakpair.model.ModelConfig;
import io.weakpair.model.Recomputation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Every knob of a training run, in one table: its name in {@code config.yaml} and in
 * {@code --set KEY=VALUE}, the kind of value, the default, and what it does. Parsing and range
 * checks live here, so the configuration file and the command line give the same errors.
 *
 * <p>Values are kept as Java objects: {@code Integer}, {@code Long}, {@code Double} or
 * {@code String} (choices lower-cased; sizes and batches as "HxW" / "PxK" text). A choice that
 * names an enum ({@link #choiceType}) has the enum's constants, lower-cased, as its choices, and
 * {@link #choice} turns the value back into the constant.
 *
 * <p>The table also gives train's and ablate's command-line flags ({@link #flags}): their
 * names, help and defaults come from here, so {@code --help} cannot drift from a run.
 */
public enum ConfigKey {
    STAGE(
            "stage",
            TrainConfig.Stage.class,
            "finetune",
            "finetune (uITC + GITM + MLM) or pretrain (itc-id + ITM + MLM): sets the defaults of targets and matching"),
    PRESET(
            "preset",
            Kind.CHOICE,
            "tiny",
            "model preset for a fresh start (ignored with init): " + String.join(", ", ModelConfig.PRESETS),
            ModelConfig.PRESETS.toArray(new String[0])),
    INIT(
            "init",
            Kind.TEXT,
            "pretrained",
            "start from this checkpoint (its vocabulary beside it; a run or checkpoint folder: its "
                    + "model.safetensors); pretrained: the shipped pre-trained tiny model (models/README.md); none: a fresh preset. A preset "
                    + "given without init trains from scratch"),
    IMAGE_SIZE(
            "image_size",
            Kind.SIZE,
            "preset",
            "input image size HxW; preset: the starting checkpoint's own, else the preset's "
                    + "(tiny: 128x48); a smaller size trains faster from scratch (64x32: a quarter of the pixels)"),
    DATASET(
            "dataset",
            Kind.TEXT,
            "",
            "dataset folder (CUHK-PEDES, ICFG-PEDES or RSTPReid layout); empty: the built-in synthetic benchmark"),
    DATASET_FORMAT(
            "dataset_format",
            Kind.CHOICE,
            "auto",
            "dataset layout; auto: from the annotation file present",
            "auto",
            "cuhk-pedes",
            "icfg-pedes",
            "rstpreid"),
    BATCH(
            "batch",
            Kind.BATCH,
            "16x4",
            "P identities x K instances per identity per batch (K >= 2: weak pairs need company)"),
    EPOCHS("epochs", Kind.INT, "6", "passes over the training pairs", 1, 100_000),
    MAX_STEPS("max_steps", Kind.INT, "0", "stop after this many steps; 0: no limit", 0, Integer.MAX_VALUE),
    LR(
            "lr",
            Kind.REAL,
            null,
            "peak learning rate of the encoders; default 1e-4 when fine-tuning a checkpoint (init), 1e-3 from scratch",
            1e-12,
            10),
    LR_HEADS(
            "lr_heads",
            Kind.REAL,
            null,
            "peak learning rate of the projections, the ITM head and the temperature; default 5e-4 when "
                    + "fine-tuning a checkpoint (init), 1e-3 from scratch",
            1e-12,
            10),
    MIN_LR("min_lr", Kind.REAL, "1e-6", "learning rate at the end of the cosine (at most lr)", 0, 10),
    WEIGHT_DECAY(
            "weight_decay",
            Kind.REAL,
            "0.02",
            "AdamW decoupled weight decay (biases, LayerNorm, embeddings and temp excluded)",
            0,
            10),
    WARMUP_STEPS("warmup_steps", Kind.INT, "50", "linear warm-up steps", 0, Integer.MAX_VALUE),
    GRAD_CLIP("grad_clip", Kind.REAL, "5.0", "global gradient-norm clip; 0: off", 0, 1e12),
    TARGETS(
            "targets",
            ContrastiveLoss.Targets.class,
            null,
            "contrastive targets: strict (itc-strict), id (itc-id), uncertainty (uITC); default from stage"),
    ALPHA("alpha", Kind.REAL, "0.6", "uncertainty weight of uITC, in [0, 1]", 0, 1),
    MATCHING("matching", Objective.Matching.class, null, "matching loss: none, itm or gitm; default from stage"),
    MATCHING_EPOCHS(
            "matching_epochs",
            Kind.INT,
            "3",
            "the matching loss trains in the run's last N epochs (counted from the step "
                    + "budget); earlier ones train the contrastive loss and MLM alone, several times faster; 0: every epoch",
            0,
            100_000),
    MINING("mining", MiningMode.class, "topk", "GITM's hard-negative mining: topk or sample"),
    BETA("beta", Kind.REAL, "1.0", "weight of the matching loss", 0, 1e6),
    LAMBDA_MLM("lambda_mlm", Kind.REAL, "1.0", "weight of masked language modelling; 0: off", 0, 1e6),
    FLIP("flip", Kind.REAL, "0.5", "augmentation: probability of mirroring a training image", 0, 1),
    K_TEST(
            "k_test",
            Kind.INT,
            "32",
            "candidates re-ranked by the ITM head at evaluation; 0: similarity only",
            0,
            1_000_000),
    VOCAB_SIZE(
            "vocab_size",
            Kind.INT,
            "4096",
            "largest vocabulary built from the training captions (fresh start only)",
            16,
            10_000_000),
    SEED(
            "seed",
            Kind.WHOLE,
            "0",
            "seed of initialisation, batch order, augmentation, masks and negatives",
            Long.MIN_VALUE,
            Long.MAX_VALUE),
    EVAL_BATCH("eval_batch", Kind.INT, "128", "images or captions per forward pass at evaluation", 1, 1_000_000),
    MAX_BAD_STEPS("max_bad_steps", Kind.INT, "20", "stop after this many NaN/Inf losses in a row", 1, 1_000_000),
    KEEP_CHECKPOINTS(
            "keep_checkpoints", Kind.INT, "2", "checkpoints kept in the run folder (the newest ones)", 1, 1_000_000),
    CHECKPOINT_EVERY(
            "checkpoint_every",
            Kind.INT,
            "0",
            "also write a checkpoint every N steps (for long runs); 0: at each epoch's "
                    + "end, at the end and on Ctrl-C only",
            0,
            Integer.MAX_VALUE),
    EVAL_EVERY(
            "eval_every",
            Kind.INT,
            "0",
            "evaluate on eval_dataset's val split every N steps (ITC and the top k_test re-ranked), "
                    + "one line in log.jsonl each; 0: off",
            0,
            Integer.MAX_VALUE),
    EVAL_DATASET(
            "eval_dataset",
            Kind.TEXT,
            "",
            "dataset of the periodic evaluation (its val split, else test); empty: the built-in "
                    + "synthetic benchmark (zero-shot when pre-training on another corpus)"),
    RECOMPUTE(
            "recompute",
            Recomputation.Mode.class,
            "none",
            "layers that recompute their activations in backward instead of holding "
                    + "them: none (fastest), fusion (the matching loss's layers) or all (least memory, one more forward); docs/memory.md"),
    DEVICE("device", Kind.TEXT, "auto", io.weakpair.backend.Backends.DEVICE_HELP),
    THREADS("threads", Kind.INT, "0", "CPU threads; 0: WEAKPAIR_THREADS, else all cores", 0, 4096);

    /** How a value is written and checked. */
    public enum Kind {
        INT,
        WHOLE,
        REAL,
        CHOICE,
        TEXT,
        SIZE,
        BATCH
    }

    private final String key;
    private final Kind kind;
    private final String defaultText;
    private final String help;
    private final List<String> choices;
    private final Class<? extends Enum<?>> choiceType;
    private final double min;
    private final double max;

    ConfigKey(String key, Kind kind, String defaultText, String help, String... choices) {
        this(key, kind, defaultText, help, 0, 0, null, choices);
    }

    ConfigKey(String key, Kind kind, String defaultText, String help, double min, double max) {
        this(key, kind, defaultText, help, min, max, null);
    }

    /** A choice among the constants of an enum, written lower-cased. */
    ConfigKey(String key, Class<? extends Enum<?>> type, String defaultText, String help) {
        this(
                key,
                Kind.CHOICE,
                defaultText,
                help,
                0,
                0,
                type,
                Arrays.stream(type.getEnumConstants()).map(ConfigKey::canonical).toArray(String[]::new));
    }

    ConfigKey(
            String key,
            Kind kind,
            String defaultText,
            String help,
            double min,
            double max,
            Class<? extends Enum<?>> choiceType,
            String... choices) {
        this.key = key;
        this.kind = kind;
        this.defaultText = defaultText;
        this.help = help;
        this.choices = List.of(choices);
        this.choiceType = choiceType;
        this.min = min;
        this.max = max;
    }

    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    public String help() {
        return help;
    }

    /** The accepted values of a choice (empty for the other kinds). */
    public List<String> choices() {
        return choices;
    }

    /** The enum whose constants are this choice's values, or null (not a choice, or plain text choices). */
    public Class<? extends Enum<?>> choiceType() {
        return choiceType;
    }

    /**
     * The command-line flags of this key, in train and ablate: {@code --} and the key with
     * {@code _} as {@code -}; where a flag had another name before (warmup_steps: --warmup,
     * still first, so messages keep naming it) or the derived one is taken, that name. Every
     * flag whose name is not the derived one is listed here.
     */
    public List<String> flags() {
        String derived = "--" + key.replace('_', '-');
        return switch (this) {
            case WARMUP_STEPS -> List.of("--warmup", derived);
            case THREADS -> List.of("--cpu-threads"); // --threads: the dataset reader's threads (DatasetOptions)
            default -> List.of(derived);
        };
    }

    /** The name an enum constant has as a choice value: lower-cased. */
    public static String canonical(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** A value of this choice key (its text, or the constant itself) as the constant of {@code type}. */
    public <E extends Enum<E>> E choice(Class<E> type, Object value) {
        if (type != choiceType) throw new IllegalStateException(key + " is not a choice of " + type.getSimpleName());
        Object v = value instanceof Enum<?> e ? canonical(e) : value;
        return Enum.valueOf(type, ((String) parse(String.valueOf(v), key)).toUpperCase(Locale.ROOT));
    }

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
    public String defaultText() {
        return defaultText;
    }

    /** The default in its Java form ({@link #parse}); null where another key decides it. */
    public Object defaultValue() {
        return defaultText == null ? null : parse(defaultText, "default");
    }

    /** The key of that name, or an error that lists the close ones. */
    public static ConfigKey of(String name, String where) {
        for (ConfigKey k : values()) if (k.key.equals(name)) return k;
        String close = closest(name);
        throw new IllegalArgumentException(where + ": unknown key '" + name + "'"
                + (close != null
                        ? " (did you mean '" + close + "'?)"
                        : "; the keys are listed by weakpair train --help"));
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
                if (!(v >= min && v <= max))
                    throw new IllegalArgumentException(at + " must be " + range(false) + ", got " + t);
                return v;
            }
            case CHOICE -> {
                String v = t.toLowerCase(Locale.ROOT);
                if (!choices.contains(v))
                    throw new IllegalArgumentException(
                            at + " must be one of " + String.join(", ", choices) + ", got '" + t + "'");
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
                throw new IllegalArgumentException(at + " must be " + expected + " with each number in [" + lo + ", "
                        + hi + "], got '" + text + "'");
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
                cur[j] = Math.min(
                        Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
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
