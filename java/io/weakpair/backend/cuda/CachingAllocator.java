package io.weakpair.backend.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import java.util.function.LongUnaryOperator;

/**
 * Device memory with a cache in front of cudaMalloc, as training needs: a step allocates and
 * frees the same sizes as the step before, so after the first step every request is served
 * from the per-size pools and the device is never asked again (cudaMalloc and cudaFree both
 * synchronise the device and cost far more than a kernel).
 *
 * <p>Sizes are rounded up to size classes; a freed block goes back to its class's pool, and a
 * request takes a cached block of its class or of a class at most a quarter larger. Reuse is
 * safe without events because every kernel and copy of a device runs on its one stream: work
 * queued after the free runs after the work queued before it. {@link #emptyCache()} returns
 * the pooled blocks to the device (also done once, then retried, when cudaMalloc runs out).
 */
final class CachingAllocator {
    private final LongUnaryOperator deviceMalloc; // bytes -> address, 0 when out of memory
    private final LongConsumer deviceFree;
    private final Runnable synchronize;
    private final String deviceName;
    private final TreeMap<Long, ArrayDeque<Long>> pools = new TreeMap<>();
    private final Map<Long, Long> live = new HashMap<>(); // address -> block size
    private long deviceAllocations, deviceFrees, liveBytes, cachedBytes, peakReserved, cacheHits;
    private long peakLive; // since the last resetPeakLive: what a computation needed at once

    CachingAllocator(String deviceName, LongUnaryOperator deviceMalloc, LongConsumer deviceFree, Runnable synchronize) {
        this.deviceName = deviceName;
        this.deviceMalloc = deviceMalloc;
        this.deviceFree = deviceFree;
        this.synchronize = synchronize;
    }

    /** The block size a request of {@code bytes} gets. */
    static long sizeClass(long bytes) {
        long b = Math.max(bytes, 1);
        if (b <= (1L << 20)) return roundUp(b, 512); // small: 512-byte steps
        if (b <= (32L << 20)) return roundUp(b, 64L << 10); // medium: 64 KiB steps
        return roundUp(b, 2L << 20); // large: 2 MiB steps
    }

    private static long roundUp(long v, long step) {
        return (v + step - 1) / step * step;
    }

    synchronized long allocate(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException(deviceName + ": cannot allocate " + bytes + " bytes");
        long size = sizeClass(bytes);
        Map.Entry<Long, ArrayDeque<Long>> e = pools.ceilingEntry(size);
        if (e != null && e.getKey() <= size + size / 4) {
            long address = e.getValue().pop();
            if (e.getValue().isEmpty()) pools.remove(e.getKey());
            cachedBytes -= e.getKey();
            liveBytes += e.getKey();
            live.put(address, e.getKey());
            peakLive = Math.max(peakLive, liveBytes);
            cacheHits++;
            return address;
        }
        long address = deviceMalloc.applyAsLong(size);
        if (address == 0) {
            emptyCache();
            address = deviceMalloc.applyAsLong(size);
            if (address == 0)
                throw new OutOfMemoryError(
                        deviceName + ": out of device memory allocating " + bytes + " bytes (" + stats() + ")");
        }
        deviceAllocations++;
        live.put(address, size);
        liveBytes += size;
        peakReserved = Math.max(peakReserved, liveBytes + cachedBytes);
        peakLive = Math.max(peakLive, liveBytes);
        return address;
    }

    synchronized void free(long address) {
        Long size = live.remove(address);
        if (size == null)
            throw new IllegalStateException(deviceName + ": free of address 0x" + Long.toHexString(address)
                    + " that this allocator does not hold");
        liveBytes -= size;
        cachedBytes += size;
        pools.computeIfAbsent(size, s -> new ArrayDeque<>()).push(address);
    }

    /** Returns every cached block to the device (live blocks stay). */
    synchronized void emptyCache() {
        if (pools.isEmpty()) return;
        synchronize.run();
        for (ArrayDeque<Long> pool : pools.values()) {
            for (long address : pool) {
                deviceFree.accept(address);
                deviceFrees++;
            }
        }
        pools.clear();
        cachedBytes = 0;
    }

    /** Restarts the peak of live bytes at the bytes live now. */
    synchronized void resetPeakLive() {
        peakLive = liveBytes;
    }

    synchronized CudaMemoryStats stats() {
        return new CudaMemoryStats(
                deviceAllocations, deviceFrees, liveBytes, cachedBytes, peakReserved, peakLive, cacheHits);
    }
}
