package io.weakpair.backend.cuda;

/**
 * Counters of a CUDA backend's caching allocator. Byte counts are of rounded block sizes;
 * deviceAllocations counts the cudaMalloc calls, so a steady-state training step leaves it
 * unchanged. peakLiveBytes: the most bytes in use at once since {@link CudaBackend#resetPeakLiveBytes}
 * (what a computation needs, cache aside).
 */
public record CudaMemoryStats(
        long deviceAllocations,
        long deviceFrees,
        long liveBytes,
        long cachedBytes,
        long peakReservedBytes,
        long peakLiveBytes,
        long cacheHits) {
    /** Bytes held from the device: in use plus cached. */
    public long reservedBytes() {
        return liveBytes + cachedBytes;
    }

    @Override
    public String toString() {
        return String.format(
                "cudaMalloc calls %d, cudaFree calls %d, live %.1f MiB, cached %.1f MiB, peak reserved %.1f MiB, peak live %.1f MiB, cache hits %d",
                deviceAllocations,
                deviceFrees,
                liveBytes / 1048576.0,
                cachedBytes / 1048576.0,
                peakReservedBytes / 1048576.0,
                peakLiveBytes / 1048576.0,
                cacheHits);
    }
}
