package io.weakpair.tensor;

import io.weakpair.backend.Backend;

/**
 * A reference-counted block of memory on one device. Tensors and their views share a
 * storage; the memory is returned to its backend the moment the last one is closed (or,
 * for handles no scope owns, collected: see {@link UnownedTensors}).
 */
public final class Storage {
    private final Backend backend;
    private final long address;
    private final long bytes;
    private final boolean unowned; // allocated with no scope open: counts towards the cleaner's collection trigger
    private int references = 1;

    private Storage(Backend backend, long address, long bytes, boolean unowned) {
        this.backend = backend;
        this.address = address;
        this.bytes = bytes;
        this.unowned = unowned;
    }

    static Storage allocate(Backend backend, long bytes, boolean unowned) {
        if (unowned) UnownedTensors.beforeAllocating(bytes);
        long address = backend.allocate(bytes);
        MemoryStats.allocated(backend.device(), bytes);
        if (unowned) UnownedTensors.allocated(bytes);
        return new Storage(backend, address, bytes, unowned);
    }

    public Backend backend() {
        return backend;
    }

    public Device device() {
        return backend.device();
    }

    /** Base address (host or device pointer). */
    public long address() {
        return address;
    }

    public long bytes() {
        return bytes;
    }

    synchronized void retain() {
        if (references <= 0) throw new IllegalStateException("storage already freed");
        references++;
    }

    synchronized void release() {
        if (references <= 0) return;
        if (--references == 0) {
            backend.free(address, bytes);
            MemoryStats.freed(backend.device(), bytes);
            if (unowned) UnownedTensors.freed(bytes);
        }
    }

    synchronized boolean isLive() {
        return references > 0;
    }

    /** True when exactly one tensor handle refers to this storage (no other view can see a write). */
    public synchronized boolean isExclusive() {
        return references == 1;
    }
}
