package io.weakpair.tensor;

import java.util.concurrent.atomic.AtomicLong;

/** Live and peak bytes of tensor storage per device kind: how tests prove nothing leaks. */
public final class MemoryStats {
    private static final AtomicLong[] LIVE = {new AtomicLong(), new AtomicLong()};
    private static final AtomicLong[] PEAK = {new AtomicLong(), new AtomicLong()};
    private static final AtomicLong[] COUNT = {new AtomicLong(), new AtomicLong()};

    private MemoryStats() {}

    static void allocated(Device device, long bytes) {
        int k = device.kind().ordinal();
        long now = LIVE[k].addAndGet(bytes);
        COUNT[k].incrementAndGet();
        PEAK[k].accumulateAndGet(now, Math::max);
    }

    static void freed(Device device, long bytes) {
        int k = device.kind().ordinal();
        LIVE[k].addAndGet(-bytes);
        COUNT[k].decrementAndGet();
    }

    /** Bytes of storage currently allocated on devices of this kind. */
    public static long liveBytes(Device.Kind kind) {
        return LIVE[kind.ordinal()].get();
    }

    /** Number of storages currently allocated on devices of this kind. */
    public static long liveStorages(Device.Kind kind) {
        return COUNT[kind.ordinal()].get();
    }

    public static long peakBytes(Device.Kind kind) {
        return PEAK[kind.ordinal()].get();
    }

    public static void resetPeak(Device.Kind kind) {
        PEAK[kind.ordinal()].set(LIVE[kind.ordinal()].get());
    }
}
