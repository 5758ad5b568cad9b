package io.weakpair.cli;

import io.weakpair.train.ConfigKey;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The flags that set one training-configuration key each (train and ablate share the names),
 * and their help defaults taken from the key table, so {@code --help} always shows the value a
 * run uses instead of a copy that drifts from {@link ConfigKey}.
 */
public final class ConfigFlags implements IDefaultValueProvider {
    private static final Map<String, ConfigKey> ALL;

    static {
        Map<String, ConfigKey> m = new LinkedHashMap<>();
        m.put("--stage", ConfigKey.STAGE);
        m.put("--preset", ConfigKey.PRESET);
        m.put("--init", ConfigKey.INIT);
        m.put("--image-size", ConfigKey.IMAGE_SIZE);
        m.put("--batch", ConfigKey.BATCH);
        m.put("--epochs", ConfigKey.EPOCHS);
        m.put("--max-steps", ConfigKey.MAX_STEPS);
        m.put("--lr", ConfigKey.LR);
        m.put("--lr-heads", ConfigKey.LR_HEADS);
        m.put("--weight-decay", ConfigKey.WEIGHT_DECAY);
        m.put("--warmup", ConfigKey.WARMUP_STEPS);
        m.put("--targets", ConfigKey.TARGETS);
        m.put("--alpha", ConfigKey.ALPHA);
        m.put("--matching", ConfigKey.MATCHING);
        m.put("--mining", ConfigKey.MINING);
        m.put("--beta", ConfigKey.BETA);
        m.put("--lambda-mlm", ConfigKey.LAMBDA_MLM);
        m.put("--k-test", ConfigKey.K_TEST);
        m.put("--seed", ConfigKey.SEED);
        m.put("--recompute", ConfigKey.RECOMPUTE);
        m.put("--device", ConfigKey.DEVICE);
        ALL = Collections.unmodifiableMap(m);
    }

    /** The given flags with their keys, in the order given. */
    static Map<String, ConfigKey> of(String... flags) {
        Map<String, ConfigKey> m = new LinkedHashMap<>();
        for (String f : flags) {
            ConfigKey k = ALL.get(f);
            if (k == null) throw new IllegalArgumentException("no configuration flag " + f + " (known: " + ALL.keySet() + ")");
            m.put(f, k);
        }
        return Collections.unmodifiableMap(m);
    }

    /** Every configuration flag. */
    static Map<String, ConfigKey> all() { return ALL; }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) return null;
        ConfigKey key = Arrays.stream(option.names()).map(ALL::get).filter(k -> k != null).findFirst().orElse(null);
        return key == null ? null : key.defaultText();
    }
}
