package io.weakpair.cli;

import io.weakpair.train.ConfigFile;
import io.weakpair.train.ConfigKey;
import io.weakpair.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/**
 * The training configuration's sources on the command line, shared by train and ablate: the
 * defaults, then {@code --config FILE}, then the command's own flags (each naming one key),
 * then {@code --set KEY=VALUE}. Any bad value is a usage error naming where it came from.
 */
final class ConfigOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "YAML configuration (a run folder's config.yaml is a complete example)")
    Path file;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "set any configuration key, e.g. --set lr_heads=2e-3 (repeatable)")
    Map<String, String> set = new LinkedHashMap<>();

    /** Whether anything beyond the command's flags was given. */
    boolean given() {
        return file != null || !set.isEmpty();
    }

    /** The name of {@code option} as the command line last wrote it (a flag may have an older alias), for messages. */
    private static String typedName(ParseResult parsed, OptionSpec option) {
        String typed = option.names()[0];
        for (String arg : parsed.originalArgs())
            for (String name : option.names()) if (arg.equals(name) || arg.startsWith(name + "=")) typed = name;
        return typed;
    }

    /**
     * The configuration: defaults, the file, then the flags the user matched among {@code flags}
     * (flag name to key), then --set.
     */
    TrainConfig build(CommandSpec spec, Map<String, ConfigKey> flags) {
        return UsageException.check(() -> {
            TrainConfig cfg = TrainConfig.defaults();
            if (file != null) {
                CliFiles.checkInputFile("--config", file);
                try {
                    cfg = ConfigFile.read(file, cfg);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read the configuration " + file + ": " + e.getMessage());
                }
            }
            ParseResult parsed = spec.commandLine().getParseResult();
            for (Map.Entry<String, ConfigKey> f : flags.entrySet())
                if (parsed.hasMatchedOption(f.getKey())) {
                    OptionSpec option = spec.findOption(f.getKey());
                    cfg = cfg.withAll(Map.of(f.getValue(), option.getValue()), typedName(parsed, option));
                }
            for (Map.Entry<String, String> e : set.entrySet())
                cfg = cfg.withAll(Map.of(ConfigKey.of(e.getKey(), "--set"), e.getValue()), "--set " + e.getKey());
            return cfg;
        });
    }
}
