package io.weakpair.data;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Assembles batches on background threads while the consumer trains on earlier ones.
 *
 * <ul>
 *   <li>Order and content: batches come out in plan order, each a pure function of its plan,
 *       so the sequence equals {@code plans.stream().map(assembler::assemble)} whatever the
 *       workers' timing.</li>
 *   <li>Bounded: at most {@code depth} batches are being assembled or waiting at any time.</li>
 *   <li>Failures: an exception in a worker is thrown by {@link #next()} for the batch it
 *       belongs to (a {@link DataException} naming the record), and the prefetcher closes.</li>
 *   <li>Shutdown: {@link #close()} cancels what is pending and stops the threads; use
 *       try-with-resources.</li>
 * </ul>
 */
public final class Prefetcher implements Iterator<Batch>, AutoCloseable {
    private final List<BatchPlan> plans;
    private final BatchAssembler assembler;
    private final int depth;
    private final ExecutorService pool;
    private final ArrayDeque<Future<Batch>> window = new ArrayDeque<>();
    private int submitted;
    private int delivered;
    private boolean closed;

    /**
     * @param workers threads assembling batches (at least 1)
     * @param depth   batches assembled ahead of the consumer (at least 1)
     */
    public Prefetcher(List<BatchPlan> plans, BatchAssembler assembler, int workers, int depth) {
        if (workers < 1) throw new IllegalArgumentException("prefetch: workers must be at least 1, got " + workers);
        if (depth < 1) throw new IllegalArgumentException("prefetch: depth must be at least 1, got " + depth);
        if (assembler == null) throw new IllegalArgumentException("prefetch: assembler must not be null");
        this.plans = List.copyOf(plans);
        this.assembler = assembler;
        this.depth = depth;
        this.pool = Executors.newFixedThreadPool(Math.min(workers, depth), new DaemonThreads("weakpair-prefetch"));
        refill();
    }

    private void refill() {
        while (window.size() < depth && submitted < plans.size()) {
            BatchPlan plan = plans.get(submitted++);
            window.add(pool.submit(() -> assembler.assemble(plan)));
        }
    }

    @Override
    public boolean hasNext() {
        return !closed && delivered < plans.size();
    }

    @Override
    public Batch next() {
        if (closed) throw new IllegalStateException("prefetch: next() after close()");
        if (delivered >= plans.size())
            throw new NoSuchElementException("prefetch: all " + plans.size() + " batches delivered");
        Future<Batch> head = window.poll();
        int index = delivered++;
        refill();
        try {
            return head.get();
        } catch (ExecutionException e) {
            close();
            Throwable cause = e.getCause();
            if (cause instanceof DataException) throw new DataException(cause.getMessage(), cause);
            throw new DataException(
                    "prefetch: batch " + index + " (plan " + plans.get(index).index() + ") failed: " + cause, cause);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new DataException("prefetch: interrupted while waiting for batch " + index);
        } catch (CancellationException e) {
            close();
            throw new DataException("prefetch: batch " + index + " was cancelled");
        }
    }

    /** Whether every worker thread has stopped (true once close() returned). */
    boolean terminated() {
        return pool.isTerminated();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (Future<Batch> f : window) f.cancel(true);
        window.clear();
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new DataException("prefetch: worker threads did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
