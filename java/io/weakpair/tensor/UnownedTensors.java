package io.weakpair.tensor;

import io.weakpair.config.Environment;
import java.lang.ref.Cleaner;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The safety net for tensors no {@link Scope} owns: each such handle is registered with a
 * {@link Cleaner} that releases the handle's one reference on its storage when the handle
 * becomes unreachable without having been closed. The storage itself is reference-counted,
 * so a view or another handle that still uses it keeps it alive, and a handle is released
 * exactly once whether it is closed by hand or collected. Scope-owned tensors never touch
 * the cleaner: they are freed when their scope closes.
 *
 * <p>The garbage collector does not see native memory, so, as the JDK does for direct
 * buffers, storage allocated with no scope open is counted, and when it grows past twice
 * the smallest amount live since the last collection (and past {@value #COLLECT_FLOOR_MB}
 * MiB) a collection is requested and the cleaner given a moment to free what was dropped.
 * A loop of forward and backward steps run with no scope therefore stays bounded.
 *
 * <p>{@code WEAKPAIR_LEAK_TRACE=1} or {@code -Dweakpair.leakTrace=true} records where each
 * unowned tensor was created; the cleaner then prints that place to stderr for every tensor
 * it frees that was never closed.
 */
public final class UnownedTensors {
    static final long COLLECT_FLOOR_MB = 64;
    private static final long COLLECT_FLOOR = COLLECT_FLOOR_MB << 20;
    /** How long a collection waits at most for the cleaner to catch up. */
    private static final long CLEANER_WAIT_MS = 200;

    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "weakpair-tensor-cleaner");
        t.setDaemon(true);
        return t;
    });
    private static volatile Boolean trace; // read from the environment on first use, like the backends' settings

    private static final AtomicLong LIVE = new AtomicLong(); // bytes of live storage allocated with no scope open
    private static final AtomicLong LOW_WATER = new AtomicLong(); // the least LIVE since the last collection
    private static final AtomicLong COLLECTED = new AtomicLong(); // handles the cleaner released (never closed)
    private static final AtomicLong COLLECTIONS = new AtomicLong(); // collections requested for native memory
    private static final Object COLLECTING = new Object();
    private static final Set<String> RECORDING_CLASSES =
            Set.of(UnownedTensors.class.getName(), Scope.class.getName(), Tensor.class.getName());

    private UnownedTensors() {}

    /** Tensor handles the cleaner has freed because they were dropped without being closed. */
    public static long collectedHandles() {
        return COLLECTED.get();
    }

    /** Collections this process requested because unowned tensor memory grew. */
    public static long requestedCollections() {
        return COLLECTIONS.get();
    }

    /** Bytes of live storage that was allocated with no scope open. */
    public static long liveBytes() {
        return LIVE.get();
    }

    /** Whether creation sites are recorded and leaks reported. */
    public static boolean tracing() {
        Boolean on = trace;
        if (on == null) trace = on = Environment.current().leakTrace();
        return on;
    }

    static Hold register(Tensor t, Storage storage) {
        boolean on = tracing();
        Hold hold = new Hold(storage, on ? t.describe() : null, on ? new Throwable("created here") : null);
        hold.cleanable = CLEANER.register(t, hold);
        return hold;
    }

    /** Before storage is allocated with no scope open: collect first if unowned memory has grown too much. */
    static void beforeAllocating(long bytes) {
        tracing(); // a bad WEAKPAIR_LEAK_TRACE fails here, before anything is allocated
        if (overLimit(bytes)) collect(bytes);
    }

    private static boolean overLimit(long bytes) {
        return LIVE.get() + bytes > Math.max(COLLECT_FLOOR, 2 * LOW_WATER.get());
    }

    static void allocated(long bytes) {
        LIVE.addAndGet(bytes);
    }

    static void freed(long bytes) {
        long now = LIVE.addAndGet(-bytes);
        LOW_WATER.accumulateAndGet(now, Math::min);
    }

    /**
     * Asks for a collection and waits (briefly) until the cleaner stops finding dropped
     * handles. One thread collects at a time; the others go on allocating.
     */
    private static void collect(long bytes) {
        synchronized (COLLECTING) {
            if (!overLimit(bytes)) return; // another thread has just collected
            COLLECTIONS.incrementAndGet();
            System.gc();
            long deadline = System.nanoTime() + CLEANER_WAIT_MS * 1_000_000;
            long seen = COLLECTED.get();
            while (System.nanoTime() < deadline) {
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                long now = COLLECTED.get();
                if (now == seen) break; // the cleaner has gone quiet
                seen = now;
            }
            LOW_WATER.set(LIVE.get());
        }
    }

    /**
     * One handle's reference on a storage: released once, by {@link #closeByOwner} or by the
     * cleaner. It must not refer to the tensor, or the tensor would never become unreachable.
     */
    static final class Hold implements Runnable {
        private final Storage storage;
        private final String what; // tracing only
        private final Throwable created; // tracing only
        private Cleaner.Cleanable cleanable;
        private volatile boolean closedByOwner;

        private Hold(Storage storage, String what, Throwable created) {
            this.storage = storage;
            this.what = what;
            this.created = created;
        }

        /** The tensor was closed: release now and unregister (the cleaner runs this at most once). */
        void closeByOwner() {
            closedByOwner = true;
            cleanable.clean();
        }

        @Override
        public void run() {
            storage.release();
            if (closedByOwner) return;
            COLLECTED.incrementAndGet();
            if (created != null) report();
        }

        private void report() {
            StringBuilder sb = new StringBuilder("weakpair: freed tensor ")
                    .append(what)
                    .append(" that was never closed (no scope owned it); it was created");
            boolean recording = true;
            for (StackTraceElement e : created.getStackTrace()) {
                // Skip the frames that record the creation; the first frame after them is the creator.
                if (recording && RECORDING_CLASSES.contains(e.getClassName())) continue;
                recording = false;
                sb.append(System.lineSeparator()).append("\tat ").append(e);
            }
            System.err.println(sb);
        }
    }
}
