package io.weakpair.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Every {@code WEAKPAIR_*} environment setting (and its {@code -Dweakpair.*} system-property
 * twin where there is one), read and checked in one place. The command line checks them once
 * at start-up ({@link #current()}) so a bad value is a one-line error in every command; the
 * backends take their values from here, so the checked value is the one used.
 *
 * <ul>
 *   <li>{@code WEAKPAIR_THREADS} (or {@code -Dweakpair.threads}, which wins): CPU threads, a
 *       whole number >= 1; unset: all cores.</li>
 *   <li>{@code WEAKPAIR_HOST_CACHE_MB}: bound of the host block cache in MiB, a whole number
 *       >= 0; unset: 2048.</li>
 *   <li>{@code WEAKPAIR_DEBUG}: 1/true/yes/on or 0/false/no/off (empty: off): stack traces on errors.</li>
 *   <li>{@code WEAKPAIR_TF32}: same values: allow TF32 in CUDA GEMMs.</li>
 *   <li>{@code WEAKPAIR_HOME}: the folder of default data ({@code data/synth} under it); else
 *       {@code -Dweakpair.home} (set by the {@code ./weakpair} launcher to the project folder);
 *       else {@code ~/.cache/weakpair}.</li>
 *   <li>{@code WEAKPAIR_SIMD}: v4, v3 or base (caps the CPU kernels' code path; read by the
 *       native library itself, checked here).</li>
 *   <li>{@code WEAKPAIR_POISON}: 1 fills every new host allocation with 0xFF bytes (NaN), read by the
 *       native library itself: a kernel reading memory it never wrote then shows as NaN.</li>
 *   <li>{@code WEAKPAIR_LEAK_TRACE} (or {@code -Dweakpair.leakTrace}, which wins): 1/0 as for
 *       DEBUG: record where every tensor no scope owns is created, and report that place when
 *       one is freed by the cleaner without having been closed (costs a stack trace per tensor).</li>
 *   <li>{@code WEAKPAIR_PROFILE}: 1/0 as for DEBUG: time every backend call by kernel and print the
 *       table (calls, total, mean, share) to stderr when the process exits.</li>
 * </ul>
 */
public record Environment(
        Integer threads,
        String threadsSource,
        Long hostCacheMb,
        boolean debug,
        boolean tf32,
        Path home,
        boolean leakTrace,
        boolean profile) {
    public static final String THREADS = "WEAKPAIR_THREADS";
    public static final String HOST_CACHE_MB = "WEAKPAIR_HOST_CACHE_MB";
    public static final String DEBUG = "WEAKPAIR_DEBUG";
    public static final String TF32 = "WEAKPAIR_TF32";
    public static final String HOME = "WEAKPAIR_HOME";
    public static final String SIMD = "WEAKPAIR_SIMD";
    public static final String LEAK_TRACE = "WEAKPAIR_LEAK_TRACE";
    public static final String PROFILE = "WEAKPAIR_PROFILE";
    /** The largest accepted cache bound: its byte count still fits a long. */
    private static final long MAX_CACHE_MB = Long.MAX_VALUE >> 20;

    private static Environment current;
    private static Map<String, String> replacement;

    /** The settings of this process (checked on first use; throws IllegalArgumentException naming a bad one). */
    public static synchronized Environment current() {
        if (current == null)
            current = parse(replacement != null ? replacement : System.getenv(), System.getProperties());
        return current;
    }

    /**
     * For tests: from now on {@link #current()} reads {@code env} instead of the process
     * environment (null: the process environment again), and system properties afresh.
     * Backends already created keep the settings they started with.
     */
    public static synchronized void replaceForTesting(Map<String, String> env) {
        replacement = env;
        current = null;
    }

    /** Parses settings from an environment and system properties; a bad value throws IllegalArgumentException. */
    public static Environment parse(Map<String, String> env, Properties props) {
        String threadsProp = props.getProperty("weakpair.threads");
        Integer threads;
        String threadsSource;
        if (threadsProp != null) {
            threadsSource = "-Dweakpair.threads";
            threads = wholeNumber(threadsSource, threadsProp, 1, Integer.MAX_VALUE, "a whole number >= 1")
                    .intValue();
        } else {
            threadsSource = THREADS;
            String t = env.get(THREADS);
            threads = t == null || t.isBlank()
                    ? null
                    : wholeNumber(THREADS, t, 1, Integer.MAX_VALUE, "a whole number >= 1")
                            .intValue();
        }
        String cache = env.get(HOST_CACHE_MB);
        Long cacheMb = cache == null || cache.isBlank()
                ? null
                : wholeNumber(HOST_CACHE_MB, cache, 0, MAX_CACHE_MB, "a whole number of MiB >= 0");
        boolean debug = flag(DEBUG, env.get(DEBUG));
        boolean tf32 = flag(TF32, env.get(TF32));
        String simd = env.get(SIMD);
        if (simd != null && !simd.equals("v4") && !simd.equals("v3") && !simd.equals("base"))
            throw new IllegalArgumentException(SIMD + " must be v4, v3 or base, got '" + simd + "'");
        String traceProp = props.getProperty("weakpair.leakTrace");
        boolean leakTrace =
                traceProp != null ? flag("-Dweakpair.leakTrace", traceProp) : flag(LEAK_TRACE, env.get(LEAK_TRACE));
        return new Environment(
                threads,
                threadsSource,
                cacheMb,
                debug,
                tf32,
                home(env, props),
                leakTrace,
                flag(PROFILE, env.get(PROFILE)));
    }

    /** The CPU threads: the setting, else every core. */
    public int threadsOrCores() {
        return threads != null ? threads : Runtime.getRuntime().availableProcessors();
    }

    /** The default dataset folder: {@code home()/data/synth}. */
    public Path defaultDataDir() {
        return home.resolve("data").resolve("synth");
    }

    private static Path home(Map<String, String> env, Properties props) {
        String h = env.get(HOME);
        if (h != null && !h.isBlank()) return absolute(HOME, h);
        String p = props.getProperty("weakpair.home");
        if (p != null && !p.isBlank()) return absolute("-Dweakpair.home", p);
        return Path.of(props.getProperty("user.home", "."))
                .toAbsolutePath()
                .resolve(".cache")
                .resolve("weakpair")
                .normalize();
    }

    private static Path absolute(String name, String value) {
        try {
            return Path.of(value.trim()).toAbsolutePath().normalize();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + " is not a usable path: '" + value + "'");
        }
    }

    private static Long wholeNumber(String name, String text, long min, long max, String want) {
        long v;
        try {
            v = Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be " + want + ", got '" + text + "'");
        }
        if (v < min || v > max) throw new IllegalArgumentException(name + " must be " + want + ", got '" + text + "'");
        return v;
    }

    private static boolean flag(String name, String text) {
        if (text == null) return false;
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "", "0", "false", "no", "off" -> false;
            case "1", "true", "yes", "on" -> true;
            default ->
                throw new IllegalArgumentException(
                        name + " must be 1 or 0 (or true/false, yes/no, on/off), got '" + text + "'");
        };
    }
}
