package io.weakpair.cli;

import io.weakpair.train.ConfigKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The flags that set one training-configuration key each, generated from {@link ConfigKey}'s
 * table for train and ablate: the names ({@link ConfigKey#flags}), the help and the default
 * shown by {@code --help} all come from the table, so they cannot drift from what a run uses.
 * The values stay text; {@link ConfigOptions#build} parses them with the key, naming the flag
 * in any error.
 */
final class ConfigFlags {
    private ConfigFlags() {}

    /**
     * Adds a flag for every key but {@code except} to {@code spec} (after its declared options)
     * and returns them: the flag's first name to its key, in table order.
     */
    static Map<String, ConfigKey> addTo(CommandSpec spec, Set<ConfigKey> except) {
        Map<String, ConfigKey> added = new LinkedHashMap<>();
        for (ConfigKey k : ConfigKey.values()) {
            if (except.contains(k)) continue;
            List<String> names = k.flags();
            for (String n : names)
                if (spec.findOption(n) != null)
                    throw new IllegalStateException(spec.name() + ": flag " + n + " of key " + k.key()
                            + " is taken by another option; " + "give the key another flag in ConfigKey.flags");
            spec.addOption(OptionSpec.builder(names.toArray(new String[0]))
                    .type(String.class)
                    .paramLabel(paramLabel(k))
                    .description(description(k))
                    .build());
            added.put(names.get(0), k);
        }
        return Collections.unmodifiableMap(added);
    }

    /** The key's help and its default as the table writes it (none where another key decides it, or when empty). */
    static String description(ConfigKey k) {
        String d = k.defaultText();
        return d == null || d.isEmpty() ? k.help() : k.help() + " (default: " + d + ")";
    }

    private static String paramLabel(ConfigKey k) {
        return switch (k.kind()) {
            case INT, WHOLE -> "N";
            case REAL -> "X";
            case SIZE -> "HxW";
            case BATCH -> "PxK";
            case CHOICE -> String.join("|", k.choices());
            case TEXT -> k.key().toUpperCase(java.util.Locale.ROOT);
        };
    }
}
