package io.weakpair.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caching allocator's bookkeeping over a fake device (runs without a GPU). */
class CachingAllocatorTest {
    private long next = 1 << 20;
    private long budget = Long.MAX_VALUE;
    private final Map<Long, Long> deviceLive = new HashMap<>(); // address -> bytes
    private int syncs;

    private CachingAllocator allocator() {
        return new CachingAllocator(
                "fake",
                bytes -> {
                    if (bytes > budget) return 0;
                    budget -= bytes;
                    long a = next;
                    next += bytes;
                    deviceLive.put(a, bytes);
                    return a;
                },
                a -> {
                    Long bytes = deviceLive.remove(a);
                    assertTrue(bytes != null, "device free of an address it never gave");
                    budget += bytes;
                },
                () -> syncs++);
    }

    @Test
    void sizeClassesRoundUp() {
        assertEquals(512, CachingAllocator.sizeClass(1));
        assertEquals(512, CachingAllocator.sizeClass(512));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals((1 << 20) + (64 << 10), CachingAllocator.sizeClass((1 << 20) + 1));
        assertEquals(34L << 20, CachingAllocator.sizeClass((32L << 20) + 1));
    }

    @Test
    void steadyStateStepsReuseBlocks() {
        CachingAllocator a = allocator();
        long[] sizes = {4, 1000, 3 << 20, 100 << 20, 777};
        for (int step = 0; step < 5; step++) {
            long[] got = new long[sizes.length];
            for (int i = 0; i < sizes.length; i++) got[i] = a.allocate(sizes[i]);
            for (long g : got) a.free(g);
            assertEquals(sizes.length, a.stats().deviceAllocations(), "cudaMalloc calls after step " + step);
        }
        assertEquals(0, a.stats().liveBytes());
        assertTrue(a.stats().cacheHits() >= 4 * sizes.length);
    }

    @Test
    void slightlySmallerRequestsShareAClassButNotMuchSmallerOnes() {
        CachingAllocator a = allocator();
        long big = a.allocate(10L << 20);
        a.free(big);
        assertEquals(big, a.allocate(9L << 20)); // within a quarter: reused
        long small = a.allocate(1 << 20);
        assertNotEquals(big, small);
        assertEquals(2, a.stats().deviceAllocations());
    }

    @Test
    void emptyCacheReturnsOnlyCachedBlocks() {
        CachingAllocator a = allocator();
        long x = a.allocate(5000), y = a.allocate(5000);
        a.free(x);
        a.emptyCache();
        assertEquals(1, a.stats().deviceFrees());
        assertEquals(0, a.stats().cachedBytes());
        assertTrue(deviceLive.containsKey(y));
        assertEquals(1, syncs, "emptyCache waits for the stream before freeing");
    }

    @Test
    void outOfMemoryEmptiesTheCacheAndRetries() {
        CachingAllocator a = allocator();
        budget = 8L << 20;
        long x = a.allocate(6L << 20);
        a.free(x); // cached, still held from the device
        long y = a.allocate(4L << 20); // a different class: needs the device, which is full until the cache is emptied
        assertNotEquals(0, y);
        assertEquals(1, a.stats().deviceFrees());
        budget = 0;
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> a.allocate(1 << 20));
        assertTrue(e.getMessage().contains("fake"), e.getMessage());
    }

    @Test
    void doubleFreeIsAnError() {
        CachingAllocator a = allocator();
        long x = a.allocate(100);
        a.free(x);
        assertThrows(IllegalStateException.class, () -> a.free(x));
    }
}
