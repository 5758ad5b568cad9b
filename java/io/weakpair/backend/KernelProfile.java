package io.weakpair.backend;

import io.weakpair.config.Environment;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The engine's own per-kernel time table ({@code WEAKPAIR_PROFILE=1}): every call into a
 * backend (a GEMM, a LayerNorm backward, a strided copy, an allocation...) is timed under its
 * method name, and the table is printed to stderr when the process exits. Wrapping the
 * {@link Backend} interface in a proxy times every kernel without touching one, and calls a
 * backend makes to itself are not counted twice. On a CUDA backend a call returns when the
 * kernel is queued, so its time is the launch's unless the call synchronises.
 */
public final class KernelProfile {
    private KernelProfile() {}

    private static final Map<Backend, Backend> WRAPPED = new ConcurrentHashMap<>();
    private static final Map<String, LongAdder[]> TIMES = new ConcurrentHashMap<>();
    private static volatile boolean hooked;
    private static volatile Boolean enabled;

    /** True when {@code WEAKPAIR_PROFILE} asks for the table (read once: backends are looked up on every allocation). */
    static boolean enabled() {
        Boolean e = enabled;
        if (e == null) enabled = e = Environment.current().profile();
        return e;
    }

    /** The timing proxy of {@code backend} (one per backend). */
    static Backend wrap(Backend backend) {
        return WRAPPED.computeIfAbsent(backend, b -> {
            printAtExit();
            InvocationHandler timed = (proxy, method, args) -> {
                long t0 = System.nanoTime();
                try {
                    return method.invoke(b, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                } finally {
                    record(
                            b.device().kind().name().toLowerCase(Locale.ROOT) + " " + method.getName(),
                            System.nanoTime() - t0);
                }
            };
            return (Backend)
                    Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, timed);
        });
    }

    static void record(String kernel, long nanos) {
        LongAdder[] a = TIMES.computeIfAbsent(kernel, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
        a[0].increment();
        a[1].add(nanos);
    }

    /** The table so far, slowest kernel first: calls, total ms, mean microseconds, share of the timed total. */
    public static String table() {
        List<Map.Entry<String, LongAdder[]>> rows = new ArrayList<>(TIMES.entrySet());
        rows.sort((x, y) -> Long.compare(y.getValue()[1].sum(), x.getValue()[1].sum()));
        double total = rows.stream().mapToLong(e -> e.getValue()[1].sum()).sum();
        StringBuilder sb = new StringBuilder(String.format(
                Locale.ROOT, "%-32s %10s %12s %12s %7s%n", "kernel", "calls", "total ms", "mean us", "share"));
        for (Map.Entry<String, LongAdder[]> e : rows) {
            long calls = e.getValue()[0].sum(), ns = e.getValue()[1].sum();
            sb.append(String.format(
                    Locale.ROOT,
                    "%-32s %10d %12.1f %12.1f %6.1f%%%n",
                    e.getKey(),
                    calls,
                    ns / 1e6,
                    ns / 1e3 / Math.max(1, calls),
                    total > 0 ? 100.0 * ns / total : 0));
        }
        sb.append(String.format(Locale.ROOT, "%-32s %10s %12.1f%n", "timed total", "", total / 1e6));
        return sb.toString();
    }

    /** Forgets every time so far (a benchmark calls it after warming up). */
    public static void reset() {
        TIMES.clear();
    }

    private static synchronized void printAtExit() {
        if (hooked) return;
        hooked = true;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> System.err.print("\nWEAKPAIR_PROFILE: time in backend calls\n" + table()),
                        "weakpair-profile"));
    }
}
