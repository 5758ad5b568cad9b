package io.weakpair.backend.cuda;

import io.weakpair.backend.Backend;
import io.weakpair.backend.HostArrays;
import io.weakpair.backend.checks.KernelArgs;
import io.weakpair.nativ.cuda.CudaKernels;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The memory half of a CUDA device's backend: the device and its one stream, device memory
 * from a {@link CachingAllocator}, and every transfer between host and device. Every copy is
 * queued on that stream, so it runs in order with the kernels ({@link CudaBackend}); a
 * transfer into a Java array waits for the stream.
 */
abstract class CudaMemory implements Backend {
    final int index;
    final Device device;
    final boolean emulated;
    private final boolean multiDevice;
    private final long stream;
    final CachingAllocator allocator;
    /** 256 device bytes for results read back (sums, flags, indices). */
    final long scratch;

    private final String deviceName;
    /** wpc_device_info: memory bytes, -, SMs, major, minor, driver version, -. */
    final long[] info = new long[7];
    /**
     * Calls that make the host wait for the stream: reads into host memory (downloads and the
     * scratch read-backs of sums, flags and indices) and explicit stream synchronisations; and,
     * apart, uploads from Java arrays (wpc_memcpy waits for them too, the array being pageable).
     */
    private final AtomicLong hostReads = new AtomicLong(),
            streamSyncs = new AtomicLong(),
            blockingUploads = new AtomicLong();

    CudaMemory(int index, boolean emulated, boolean multiDevice) {
        this.index = index;
        this.device = Device.cuda(index);
        this.emulated = emulated;
        this.multiDevice = multiDevice;
        CudaKernels.wpc_set_device(index);
        byte[] name = new byte[256];
        CudaKernels.wpc_device_info(index, name, name.length, info);
        int len = 0;
        while (len < name.length && name[len] != 0) len++;
        this.deviceName = new String(name, 0, len, StandardCharsets.UTF_8);
        this.stream = CudaKernels.wpc_stream_create();
        this.allocator = new CachingAllocator(
                device.toString(),
                CudaKernels::wpc_malloc,
                CudaKernels::wpc_free,
                () -> CudaKernels.wpc_stream_synchronize(stream));
        this.scratch = allocator.allocate(256);
    }

    public int index() {
        return index;
    }

    /** The cudaStream_t every kernel of this device runs on (makes the device current first). */
    public long stream() {
        if (multiDevice) CudaKernels.wpc_set_device(index);
        return stream;
    }

    /** True when this is the CPU emulator standing in for a GPU (tests only). */
    public boolean isEmulated() {
        return emulated;
    }

    public CudaMemoryStats memoryStats() {
        return allocator.stats();
    }

    /**
     * The synchronising calls this device has made so far (they only grow): a step's count is
     * the difference of two snapshots. What a training step should keep small (docs/gpu.md).
     */
    public SyncCount syncCount() {
        return new SyncCount(hostReads.get(), streamSyncs.get(), blockingUploads.get());
    }

    /**
     * @param hostReads       device-to-host copies (downloads, item(), the kernels' read-back values)
     * @param streamSyncs     explicit waits for the stream ({@link #synchronize()})
     * @param blockingUploads copies from Java arrays to the device, which wait for the copy
     */
    public record SyncCount(long hostReads, long streamSyncs, long blockingUploads) {
        /** Host reads plus stream syncs: the round trips that stall the device's queue. */
        public long syncs() {
            return hostReads + streamSyncs;
        }

        public SyncCount minus(SyncCount before) {
            return new SyncCount(
                    hostReads - before.hostReads,
                    streamSyncs - before.streamSyncs,
                    blockingUploads - before.blockingUploads);
        }
    }

    /** -Dweakpair.cuda.traceSyncs=true prints where each host read comes from (finding a step's syncs). */
    private static final boolean TRACE_SYNCS = Boolean.getBoolean("weakpair.cuda.traceSyncs");

    /** Counts a read into host memory; every D2H copy goes through here. */
    void countHostRead() {
        hostReads.incrementAndGet();
        if (TRACE_SYNCS) {
            StringBuilder where = new StringBuilder("weakpair: host read");
            StackWalker.getInstance().forEach(f -> {
                if (!f.getClassName().startsWith("io.weakpair.backend")
                        && !f.getClassName().startsWith("io.weakpair.tensor")
                        && where.length() < 300)
                    where.append(" < ")
                            .append(f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1))
                            .append('.')
                            .append(f.getMethodName())
                            .append(':')
                            .append(f.getLineNumber());
            });
            System.err.println(where);
        }
    }

    /** Returns the allocator's cached blocks to the device. */
    public void emptyCache() {
        allocator.emptyCache();
    }

    /** Device name, e.g. "NVIDIA H100 80GB HBM3". */
    public String deviceName() {
        return deviceName;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public long allocate(long bytes) {
        if (multiDevice) CudaKernels.wpc_set_device(index);
        return allocator.allocate(bytes);
    }

    @Override
    public void free(long address, long bytes) {
        allocator.free(address);
    }

    /** Reads the int64 a kernel left in the scratch buffer (waits for the stream). */
    long readScratchLong(long stream) {
        countHostRead();
        long[] v = new long[1];
        CudaKernels.wpc_memcpy(v, scratch, 8, stream);
        return v[0];
    }

    /** A host pointer handed to a kernel would be a device fault that kills the context, not an exception. */
    void here(String op, Tensor... ts) {
        KernelArgs.resident(op, device, ts);
    }

    @Override
    public void upload(Tensor dst, float[] src) {
        blockingUploads.incrementAndGet();
        here("upload", dst);
        CudaKernels.wpc_memcpy(
                dst.address(), src, HostArrays.checkedBytes(dst, src.length, DType.F32, "upload"), stream());
    }

    @Override
    public void upload(Tensor dst, double[] src) {
        blockingUploads.incrementAndGet();
        here("upload", dst);
        CudaKernels.wpc_memcpy(
                dst.address(), src, HostArrays.checkedBytes(dst, src.length, DType.F64, "upload"), stream());
    }

    @Override
    public void upload(Tensor dst, int[] src) {
        blockingUploads.incrementAndGet();
        here("upload", dst);
        CudaKernels.wpc_memcpy(
                dst.address(), src, HostArrays.checkedBytes(dst, src.length, DType.I32, "upload"), stream());
    }

    @Override
    public void upload(Tensor dst, long[] src) {
        blockingUploads.incrementAndGet();
        here("upload", dst);
        CudaKernels.wpc_memcpy(
                dst.address(), src, HostArrays.checkedBytes(dst, src.length, DType.I64, "upload"), stream());
    }

    @Override
    public void uploadBytes(Tensor dst, byte[] src) {
        blockingUploads.incrementAndGet();
        here("upload", dst);
        HostArrays.checkRawBytes(dst, src.length, "upload");
        CudaKernels.wpc_memcpy(dst.address(), src, src.length, stream());
    }

    @Override
    public void download(Tensor src, float[] dst) {
        countHostRead();
        here("download", src);
        CudaKernels.wpc_memcpy(
                dst, src.address(), HostArrays.checkedBytes(src, dst.length, DType.F32, "download"), stream());
    }

    @Override
    public void download(Tensor src, double[] dst) {
        countHostRead();
        here("download", src);
        CudaKernels.wpc_memcpy(
                dst, src.address(), HostArrays.checkedBytes(src, dst.length, DType.F64, "download"), stream());
    }

    @Override
    public void download(Tensor src, int[] dst) {
        countHostRead();
        here("download", src);
        CudaKernels.wpc_memcpy(
                dst, src.address(), HostArrays.checkedBytes(src, dst.length, DType.I32, "download"), stream());
    }

    @Override
    public void download(Tensor src, long[] dst) {
        countHostRead();
        here("download", src);
        CudaKernels.wpc_memcpy(
                dst, src.address(), HostArrays.checkedBytes(src, dst.length, DType.I64, "download"), stream());
    }

    @Override
    public void downloadBytes(Tensor src, byte[] dst) {
        countHostRead();
        here("download", src);
        HostArrays.checkRawBytes(src, dst.length, "download");
        CudaKernels.wpc_memcpy(dst, src.address(), dst.length, stream());
    }

    private static void sameLayout(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype() || a.numel() != b.numel() || !a.isContiguous() || !b.isContiguous())
            throw new IllegalArgumentException(op + ": " + a.describe() + " and " + b.describe()
                    + " must be contiguous with the same dtype and size");
    }

    @Override
    public void upload(Tensor dst, Tensor hostSrc) {
        blockingUploads.incrementAndGet();
        here("upload", dst);
        hostSrc.checkOpen("upload");
        if (!hostSrc.device().isCpu())
            throw new IllegalArgumentException("upload: source " + hostSrc.describe() + " is not on the cpu");
        sameLayout("upload", hostSrc, dst);
        CudaKernels.wpc_memcpy(
                dst.address(), hostSrc.address(), dst.numel() * dst.dtype().byteSize(), stream());
    }

    /** Copies to a host tensor, or to a tensor of another CUDA device (unified addressing). */
    @Override
    public void download(Tensor src, Tensor hostDst) {
        countHostRead();
        here("download", src);
        hostDst.checkOpen("download");
        sameLayout("download", src, hostDst);
        CudaKernels.wpc_memcpy(
                hostDst.address(), src.address(), src.numel() * src.dtype().byteSize(), stream());
    }

    @Override
    public void synchronize() {
        streamSyncs.incrementAndGet();
        CudaKernels.wpc_stream_synchronize(stream());
    }
}
