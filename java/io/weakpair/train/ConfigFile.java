package io.weakpair.train;

import io.weakpair.io.AtomicFile;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The training configuration as a YAML file: one flat mapping of {@link ConfigKey} names to
 * single values. Reading checks every key and value (unknown key, wrong type, out of range,
 * duplicates) and names the file and line of the first problem; writing gives the effective
 * configuration of a run, every key with a comment, so the file documents itself.
 */
public final class ConfigFile {
    private static final long MAX_BYTES = 1 << 20;

    private ConfigFile() {}

    /** Reads a configuration file over {@code base}; errors name the file and line. */
    public static TrainConfig read(Path file, TrainConfig base) throws IOException {
        TrainConfig cfg = base;
        for (Map.Entry<ConfigKey, Located> e : entries(file).entrySet())
            cfg = cfg.withAll(Map.of(e.getKey(), e.getValue().text), e.getValue().where);
        return cfg;
    }

    private record Located(String text, String where) {}

    private static Map<ConfigKey, Located> entries(Path file) throws IOException {
        if (Files.isDirectory(file))
            throw new IllegalArgumentException(file + ": is a directory, not a configuration file");
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": configuration file not found");
        }
        if (size > MAX_BYTES)
            throw new IllegalArgumentException(
                    file + ": a configuration file of " + size + " bytes is too large (at most 1 MiB)");
        Node root;
        try (Reader in = new java.io.InputStreamReader(
                Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT))) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            options.setMaxAliasesForCollections(10);
            options.setNestingDepthLimit(10);
            root = new Yaml(new SafeConstructor(options)).compose(in);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(file + ": not valid YAML: " + oneLine(e.getMessage()));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": not UTF-8 text");
        }
        Map<ConfigKey, Located> entries = new EnumMap<>(ConfigKey.class);
        if (root == null) return entries; // an empty file: nothing set
        if (!(root instanceof MappingNode mapping))
            throw new IllegalArgumentException(
                    at(file, root) + ": the configuration must be a mapping of keys to values (key: value per line)");
        for (NodeTuple t : mapping.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode keyNode))
                throw new IllegalArgumentException(at(file, t.getKeyNode()) + ": a key must be a plain name");
            ConfigKey key = ConfigKey.of(keyNode.getValue(), at(file, keyNode));
            if (entries.containsKey(key))
                throw new IllegalArgumentException(at(file, keyNode) + ": key '" + key.key() + "' is set twice (first "
                        + entries.get(key).where + ")");
            Node v = t.getValueNode();
            if (!(v instanceof ScalarNode scalar))
                throw new IllegalArgumentException(
                        at(file, v) + ": " + key.key() + " must be a single value, not a list or mapping");
            String text = scalar.getTag().equals(Tag.NULL) ? "" : scalar.getValue();
            entries.put(key, new Located(text, at(file, v)));
        }
        return entries;
    }

    /** Writes the effective configuration (every key, with its help as a comment), atomically. */
    public static void write(TrainConfig cfg, Path file) throws IOException {
        StringBuilder sb = new StringBuilder("# weakpair training configuration: the values this run used.\n"
                + "# Edit and pass with --config FILE; command-line flags override it.\n");
        for (Map.Entry<ConfigKey, Object> e : cfg.effective().entrySet()) {
            sb.append("\n# ").append(e.getKey().help()).append('\n');
            sb.append(e.getKey().key())
                    .append(": ")
                    .append(scalar(e.getValue()))
                    .append('\n');
        }
        AtomicFile.writeString(file, sb.toString());
    }

    /** A YAML scalar: numbers as they are, text double-quoted (paths may hold ':' or '#'). */
    private static String scalar(Object v) {
        if (v instanceof Double d)
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(Locale.ROOT, "%.1f", d) : Double.toString(d);
        if (v instanceof Number) return v.toString();
        String s = v.toString();
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb.append('"').toString();
    }

    private static String at(Path file, Node node) {
        Mark m = node.getStartMark();
        return m == null ? file.toString() : file + " line " + (m.getLine() + 1);
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s*\\n\\s*", "; ").trim();
    }
}
