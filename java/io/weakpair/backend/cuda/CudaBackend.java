package io.weakpair.backend.cuda;

import io.weakpair.backend.Backend;
import io.weakpair.backend.HostArrays;
import io.weakpair.backend.MiningMode;
import io.weakpair.backend.BinaryOp;
import io.weakpair.backend.UnaryOp;
import io.weakpair.nativ.cuda.CudaAdamW;
import io.weakpair.nativ.cuda.CudaAttention;
import io.weakpair.nativ.cuda.CudaCrossEntropy;
import io.weakpair.nativ.cuda.CudaDropout;
import io.weakpair.nativ.cuda.CudaElementwise;
import io.weakpair.nativ.cuda.CudaEmbedding;
import io.weakpair.nativ.cuda.CudaL2Norm;
import io.weakpair.nativ.cuda.CudaLayerNorm;
import io.weakpair.nativ.cuda.CudaMethodKernels;
import io.weakpair.nativ.cuda.CudaPatchify;
import io.weakpair.nativ.cuda.CudaRuntime;
import io.weakpair.nativ.cuda.CudaSoftmax;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The kernels of one CUDA device: hand-written kernels from libweakpair_cuda (cuda/), GEMM
 * through cuBLAS (or the built-in kernel when cuBLAS cannot be loaded), device memory from a
 * {@link CachingAllocator}. Every kernel, copy and cuBLAS call of the device is queued on one
 * stream, so they run in the order they were issued and freed memory can be reused at once;
 * reading a result back (download, {@link #sumSquares}) waits for the stream.
 *
 * <p>Arguments are validated as in the CPU backend, plus one check the CPU cannot need: every
 * tensor must live on this device (a host pointer handed to a kernel would be a device fault
 * that kills the CUDA context, not an exception).
 */
public final class CudaBackend implements Backend {
    /** cuBLAS workspace: what NVIDIA recommends for Hopper. */
    private static final long CUBLAS_WORKSPACE_BYTES = 32L << 20;

    private final int index;
    private final Device device;
    private final boolean emulated;
    private final boolean multiDevice;
    private final long stream;
    private final CachingAllocator allocator;
    private final long scratch;  // 256 device bytes for results read back (sums, flags, indices)
    private final String deviceName;
    private final long[] info = new long[7];
    private final GemmEngine builtinGemm;
    private final GemmEngine gemm;
    private final String gemmNote;
    private volatile boolean tf32;
    private volatile SoftmaxImpl softmaxImpl = SoftmaxImpl.BUILTIN;
    private CudnnSoftmax cudnn;  // created on first selection of SoftmaxImpl.CUDNN
    private final CudaContrastive contrastive;

    CudaBackend(int index, boolean emulated, boolean multiDevice) {
        this.index = index;
        this.device = Device.cuda(index);
        this.emulated = emulated;
        this.multiDevice = multiDevice;
        CudaRuntime.wpc_set_device(index);
        byte[] name = new byte[256];
        CudaRuntime.wpc_device_info(index, name, name.length, info);
        int len = 0;
        while (len < name.length && name[len] != 0) len++;
        this.deviceName = new String(name, 0, len, StandardCharsets.UTF_8);
        this.stream = CudaRuntime.wpc_stream_create();
        this.allocator = new CachingAllocator(device.toString(), CudaRuntime::wpc_malloc, CudaRuntime::wpc_free,
                () -> CudaRuntime.wpc_stream_synchronize(stream));
        this.scratch = allocator.allocate(256);
        this.builtinGemm = new BuiltinGemm(this);
        GemmEngine chosen = builtinGemm;
        String note;
        if (emulated) {
            note = "built-in kernel (CPU emulator: no cuBLAS)";
        } else if ("builtin".equalsIgnoreCase(System.getProperty("weakpair.cuda.gemm", ""))) {
            note = "built-in kernel (weakpair.cuda.gemm=builtin)";
        } else {
            try {
                chosen = new CublasGemm(this, allocator.allocate(CUBLAS_WORKSPACE_BYTES), CUBLAS_WORKSPACE_BYTES);
                note = "cuBLAS";
            } catch (LinkageError | RuntimeException e) {
                note = "built-in kernel (cuBLAS unavailable: " + e.getMessage() + ")";
            }
        }
        this.gemm = chosen;
        this.gemmNote = note;
        this.contrastive = new CudaContrastive(this, allocator, gemm);
        setTf32(Boolean.getBoolean("weakpair.cuda.tf32") || io.weakpair.config.Environment.current().tf32());
        if ("cudnn".equalsIgnoreCase(System.getProperty("weakpair.cuda.softmax", ""))) {
            try {
                setSoftmaxImpl(SoftmaxImpl.CUDNN);
            } catch (IllegalStateException e) {
                System.err.println("weakpair: " + e.getMessage() + "; using the built-in softmax kernel");
            }
        }
    }

    // ------------------------------------------------------------------ CUDA-specific API

    public int index() { return index; }

    /** The cudaStream_t every kernel of this device runs on (makes the device current first). */
    public long stream() {
        if (multiDevice) CudaRuntime.wpc_set_device(index);
        return stream;
    }

    /** True when this is the CPU emulator standing in for a GPU (tests only). */
    public boolean isEmulated() { return emulated; }

    /** Lets F32 GEMMs use TF32 tensor cores (10-bit mantissa products). Off by default. */
    public void setTf32(boolean enabled) {
        gemm.setTf32(enabled);
        tf32 = enabled;
    }

    public boolean tf32() { return tf32; }

    /**
     * Chooses the softmax implementation (see {@link SoftmaxImpl}); throws IllegalStateException
     * with the reason when cuDNN cannot be loaded here (the CPU emulator never has it).
     */
    public synchronized void setSoftmaxImpl(SoftmaxImpl impl) {
        if (impl == SoftmaxImpl.CUDNN && cudnn == null) {
            if (emulated) throw new IllegalStateException(device + ": cuDNN is not available on the CPU emulator");
            try {
                cudnn = new CudnnSoftmax(this);
            } catch (LinkageError | RuntimeException e) {
                throw new IllegalStateException(device + ": cuDNN unavailable: " + e.getMessage(), e);
            }
        }
        softmaxImpl = impl;
    }

    public SoftmaxImpl softmaxImpl() { return softmaxImpl; }

    /** "cuBLAS" or "built-in kernel (why)". */
    public String gemmEngine() { return gemmNote; }

    public CudaMemoryStats memoryStats() { return allocator.stats(); }

    /** Restarts {@link CudaMemoryStats#peakLiveBytes} at the bytes in use now. */
    public void resetPeakLiveBytes() { allocator.resetPeakLive(); }

    /** Returns the allocator's cached blocks to the device. */
    public void emptyCache() { allocator.emptyCache(); }

    /** Device name, e.g. "NVIDIA H100 80GB HBM3". */
    public String deviceName() { return deviceName; }

    // ------------------------------------------------------------------ Backend

    @Override
    public Device device() { return device; }

    @Override
    public String describe() {
        if (emulated) return device + " (CPU emulator of the CUDA kernels, for tests; GEMM: " + gemmNote + ")";
        return String.format(Locale.ROOT, "%s (%s, %d SMs, sm_%d%d, %.1f GiB, driver %d.%d, kernels built for sm %s; GEMM: %s, %s; softmax: %s)",
                device, deviceName, info[2], info[3], info[4], info[0] / (double) (1L << 30), info[5] / 1000,
                (info[5] % 1000) / 10, CudaRuntime.wpc_build_archs().getString(), gemmNote, tf32 ? "TF32 on" : "FP32",
                softmaxImpl == SoftmaxImpl.CUDNN ? "cuDNN " + CudnnSoftmax.version() : "built-in kernel");
    }

    // ------------------------------------------------------------------ memory and transfers

    @Override
    public long allocate(long bytes) {
        if (multiDevice) CudaRuntime.wpc_set_device(index);
        return allocator.allocate(bytes);
    }

    @Override
    public void free(long address, long bytes) { allocator.free(address); }

    void here(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t == null) continue;
            t.checkOpen(op);
            if (!t.device().equals(device))
                throw new IllegalArgumentException(op + ": tensor " + t.describe() + " is not on " + device);
        }
    }

    static void contiguous(String op, Tensor... ts) {
        for (Tensor t : ts)
            if (t != null && !t.isContiguous())
                throw new IllegalArgumentException(op + ": tensor " + t.describe() + " is not contiguous");
    }

    @Override
    public void upload(Tensor dst, float[] src) {
        here("upload", dst);
        CudaRuntime.wpc_memcpy(dst.address(), src, HostArrays.checkedBytes(dst, src.length, DType.F32, "upload"), stream());
    }

    @Override
    public void upload(Tensor dst, double[] src) {
        here("upload", dst);
        CudaRuntime.wpc_memcpy(dst.address(), src, HostArrays.checkedBytes(dst, src.length, DType.F64, "upload"), stream());
    }

    @Override
    public void upload(Tensor dst, int[] src) {
        here("upload", dst);
        CudaRuntime.wpc_memcpy(dst.address(), src, HostArrays.checkedBytes(dst, src.length, DType.I32, "upload"), stream());
    }

    @Override
    public void upload(Tensor dst, long[] src) {
        here("upload", dst);
        CudaRuntime.wpc_memcpy(dst.address(), src, HostArrays.checkedBytes(dst, src.length, DType.I64, "upload"), stream());
    }

    @Override
    public void uploadBytes(Tensor dst, byte[] src) {
        here("upload", dst);
        HostArrays.checkRawBytes(dst, src.length, "upload");
        CudaRuntime.wpc_memcpy(dst.address(), src, src.length, stream());
    }

    @Override
    public void download(Tensor src, float[] dst) {
        here("download", src);
        CudaRuntime.wpc_memcpy(dst, src.address(), HostArrays.checkedBytes(src, dst.length, DType.F32, "download"), stream());
    }

    @Override
    public void download(Tensor src, double[] dst) {
        here("download", src);
        CudaRuntime.wpc_memcpy(dst, src.address(), HostArrays.checkedBytes(src, dst.length, DType.F64, "download"), stream());
    }

    @Override
    public void download(Tensor src, int[] dst) {
        here("download", src);
        CudaRuntime.wpc_memcpy(dst, src.address(), HostArrays.checkedBytes(src, dst.length, DType.I32, "download"), stream());
    }

    @Override
    public void download(Tensor src, long[] dst) {
        here("download", src);
        CudaRuntime.wpc_memcpy(dst, src.address(), HostArrays.checkedBytes(src, dst.length, DType.I64, "download"), stream());
    }

    @Override
    public void downloadBytes(Tensor src, byte[] dst) {
        here("download", src);
        HostArrays.checkRawBytes(src, dst.length, "download");
        CudaRuntime.wpc_memcpy(dst, src.address(), dst.length, stream());
    }

    private static void sameLayout(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype() || a.numel() != b.numel() || !a.isContiguous() || !b.isContiguous())
            throw new IllegalArgumentException(op + ": " + a.describe() + " and " + b.describe()
                    + " must be contiguous with the same dtype and size");
    }

    @Override
    public void upload(Tensor dst, Tensor hostSrc) {
        here("upload", dst);
        hostSrc.checkOpen("upload");
        if (!hostSrc.device().isCpu()) throw new IllegalArgumentException("upload: source " + hostSrc.describe() + " is not on the cpu");
        sameLayout("upload", hostSrc, dst);
        CudaRuntime.wpc_memcpy(dst.address(), hostSrc.address(), dst.numel() * dst.dtype().byteSize(), stream());
    }

    /** Copies to a host tensor, or to a tensor of another CUDA device (unified addressing). */
    @Override
    public void download(Tensor src, Tensor hostDst) {
        here("download", src);
        hostDst.checkOpen("download");
        sameLayout("download", src, hostDst);
        CudaRuntime.wpc_memcpy(hostDst.address(), src.address(), src.numel() * src.dtype().byteSize(), stream());
    }

    @Override
    public void synchronize() { CudaRuntime.wpc_stream_synchronize(stream()); }

    // ------------------------------------------------------------------ generic kernels

    @Override
    public void fill(Tensor dst, double value) {
        here("fill", dst);
        contiguous("fill", dst);
        CudaRuntime.wpc_fill(dst.dtype().code(), dst.address(), dst.numel(), value, stream());
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        here("copy", src, dst);
        if (src.dtype() != dst.dtype() || !java.util.Arrays.equals(src.shape(), dst.shape()))
            throw new IllegalArgumentException("copy: " + src.describe() + " and " + dst.describe() + " differ in dtype or shape");
        if (src.numel() == 0) return;
        CudaRuntime.wpc_copy_strided(src.dtype().code(), src.rank(), longs(src.shape()), src.address(), src.strides(),
                dst.address(), dst.strides(), stream());
    }

    @Override
    public void cast(Tensor src, Tensor dst) {
        here("cast", src, dst);
        contiguous("cast", src, dst);
        if (src.numel() != dst.numel())
            throw new IllegalArgumentException("cast: " + src.describe() + " and " + dst.describe() + " differ in size");
        CudaRuntime.wpc_cast(src.dtype().code(), src.address(), dst.dtype().code(), dst.address(), src.numel(), stream());
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        here(op.name().toLowerCase(Locale.ROOT), a, b, out);
        if (out.numel() == 0) return;
        CudaElementwise.wpc_binary(op.code(), out.dtype().code(), out.rank(), longs(out.shape()), a.address(), a.strides(),
                b.address(), b.strides(), out.address(), out.strides(), stream());
    }

    @Override
    public void unary(UnaryOp op, Tensor x, Tensor y, double alpha, double beta) {
        here("unary", x, y);
        contiguous("unary", x, y);
        CudaElementwise.wpc_unary(op.code(), x.dtype().code(), x.numel(), x.address(), y.address(), alpha, beta, stream());
    }

    @Override
    public void unaryBackward(UnaryOp op, Tensor x, Tensor y, Tensor gy, Tensor gx, double alpha) {
        here("unaryBackward", x, y, gy, gx);
        contiguous("unaryBackward", x, y, gy, gx);
        CudaElementwise.wpc_unary_backward(op.code(), gy.dtype().code(), gy.numel(), addr(x), addr(y), gy.address(),
                gx.address(), alpha, stream());
    }

    @Override
    public void reduceSum(Tensor x, long outer, long axis, long inner, Tensor out, double scale) {
        here("reduceSum", x, out);
        contiguous("reduceSum", x, out);
        if (outer * axis * inner != x.numel() || outer * inner != out.numel())
            throw new IllegalArgumentException("reduceSum: [" + outer + ", " + axis + ", " + inner + "] does not fit "
                    + x.describe() + " -> " + out.describe());
        CudaElementwise.wpc_reduce_sum(x.dtype().code(), outer, axis, inner, x.address(), out.address(), scale, stream());
    }

    @Override
    public double sumSquares(Tensor x) {
        here("sumSquares", x);
        contiguous("sumSquares", x);
        long s = stream();
        CudaElementwise.wpc_sum_squares(x.dtype().code(), x.numel(), x.address(), scratch, 0, s);
        double[] out = new double[1];
        CudaRuntime.wpc_memcpy(out, scratch, 8, s);
        return out[0];
    }

    /**
     * Sum of squares of all elements of several tensors (a gradient norm), with one read-back
     * at the end instead of one per tensor.
     */
    public double sumSquares(Iterable<Tensor> tensors) {
        long s = stream();
        CudaRuntime.wpc_memset_async(scratch, 0, 8, s);
        for (Tensor x : tensors) {
            here("sumSquares", x);
            contiguous("sumSquares", x);
            CudaElementwise.wpc_sum_squares(x.dtype().code(), x.numel(), x.address(), scratch, 1, s);
        }
        double[] out = new double[1];
        CudaRuntime.wpc_memcpy(out, scratch, 8, s);
        return out[0];
    }

    @Override
    public boolean hasNonFinite(Tensor x) {
        here("hasNonFinite", x);
        contiguous("hasNonFinite", x);
        if (!x.dtype().isFloating()) return false;
        long s = stream();
        CudaRuntime.wpc_has_nonfinite(x.dtype().code(), x.address(), x.numel(), scratch + 16, s);
        int[] flag = new int[1];
        CudaRuntime.wpc_memcpy(flag, scratch + 16, 4, s);
        return flag[0] != 0;
    }

    @Override
    public void gemm(boolean transA, boolean transB, long batch, long m, long n, long k, double alpha, Tensor a, long lda,
                     long strideA, Tensor b, long ldb, long strideB, double beta, Tensor c, long ldc, long strideC) {
        here("gemm", a, b, c);
        if (!c.dtype().isFloating() || a.dtype() != c.dtype() || b.dtype() != c.dtype())
            throw new IllegalArgumentException("gemm: operands " + a.describe() + ", " + b.describe() + ", " + c.describe()
                    + " must share one floating dtype");
        if (m <= 0 || n <= 0 || batch <= 0) return;
        // BLAS needs leading dimensions of at least the stored row length (and 1).
        long rowA = transA ? m : k, rowB = transB ? k : n;
        if (lda < Math.max(1, rowA) || ldb < Math.max(1, rowB) || ldc < Math.max(1, n))
            throw new IllegalArgumentException("gemm: leading dimensions lda=" + lda + " ldb=" + ldb + " ldc=" + ldc
                    + " are too small for m=" + m + " n=" + n + " k=" + k);
        GemmEngine engine = k == 0 ? builtinGemm : gemm;  // k = 0 is C = beta * C: the kernel's BLAS semantics
        engine.gemm(c.dtype().code(), transA, transB, batch, m, n, k, alpha, a.address(), lda, strideA, b.address(), ldb,
                strideB, beta, c.address(), ldc, strideC);
    }

    /** The same product through the built-in kernel whatever the engine (tests compare the two). */
    public void gemmBuiltin(boolean transA, boolean transB, long batch, long m, long n, long k, double alpha, Tensor a,
                            long lda, long strideA, Tensor b, long ldb, long strideB, double beta, Tensor c, long ldc,
                            long strideC) {
        here("gemm", a, b, c);
        if (m <= 0 || n <= 0 || batch <= 0) return;
        builtinGemm.gemm(c.dtype().code(), transA, transB, batch, m, n, k, alpha, a.address(), lda, strideA, b.address(),
                ldb, strideB, beta, c.address(), ldc, strideC);
    }

    // ------------------------------------------------------------------ neural-network kernels
    // The ops validate shapes and dtypes; here every tensor is checked to be on this device and
    // contiguous (raw pointers go to the kernels), and the shape facts a kernel relies on for
    // memory safety are re-checked, so a wrong call is an exception rather than a device fault.

    private static long lastDim(Tensor t, String op) {
        if (t.rank() == 0) throw new IllegalArgumentException(op + ": " + t.describe() + " has no last axis");
        return t.dim(-1);
    }

    static void sameSize(String op, Tensor like, Tensor... ts) {
        for (Tensor t : ts)
            if (t != null && (t.numel() != like.numel() || t.dtype() != like.dtype()))
                throw new IllegalArgumentException(op + ": " + t.describe() + " does not match " + like.describe());
    }

    static void sized(String op, Tensor t, long numel, DType dtype) {
        if (t != null && (t.numel() != numel || t.dtype() != dtype))
            throw new IllegalArgumentException(op + ": " + t.describe() + " must hold " + numel + " " + dtype + " elements");
    }

    /** Reads the int64 a kernel left in the scratch buffer (waits for the stream). */
    private long readScratchLong(long stream) {
        long[] v = new long[1];
        CudaRuntime.wpc_memcpy(v, scratch, 8, stream);
        return v[0];
    }

    @Override
    public void layerNormForward(Tensor x, Tensor gamma, Tensor beta, double eps, Tensor y, Tensor mean, Tensor rstd) {
        String op = "layerNormForward";
        here(op, x, gamma, beta, y, mean, rstd);
        contiguous(op, x, gamma, beta, y, mean, rstd);
        long cols = lastDim(x, op), rows = x.numel() / Math.max(1, cols);
        sameSize(op, x, y);
        sized(op, gamma, cols, x.dtype());
        sized(op, beta, cols, x.dtype());
        sized(op, mean, rows, x.dtype());
        sized(op, rstd, rows, x.dtype());
        CudaLayerNorm.wpc_layernorm_forward(x.dtype().code(), rows, cols, x.address(), addr(gamma), addr(beta), eps,
                y.address(), mean.address(), rstd.address(), stream());
    }

    @Override
    public void layerNormBackward(Tensor x, Tensor gamma, Tensor mean, Tensor rstd, Tensor gy, Tensor gx, Tensor ggamma,
                                  Tensor gbeta) {
        String op = "layerNormBackward";
        here(op, x, gamma, mean, rstd, gy, gx, ggamma, gbeta);
        contiguous(op, x, gamma, mean, rstd, gy, gx, ggamma, gbeta);
        long cols = lastDim(x, op), rows = x.numel() / Math.max(1, cols);
        sameSize(op, x, gy, gx);
        sized(op, gamma, cols, x.dtype());
        sized(op, ggamma, cols, x.dtype());
        sized(op, gbeta, cols, x.dtype());
        sized(op, mean, rows, x.dtype());
        sized(op, rstd, rows, x.dtype());
        CudaLayerNorm.wpc_layernorm_backward(x.dtype().code(), rows, cols, x.address(), addr(gamma), mean.address(),
                rstd.address(), gy.address(), addr(gx), addr(ggamma), addr(gbeta), stream());
    }

    @Override
    public void softmaxForward(Tensor x, Tensor y, boolean log) {
        String op = log ? "logSoftmaxForward" : "softmaxForward";
        here(op, x, y);
        contiguous(op, x, y);
        sameSize(op, x, y);
        long cols = lastDim(x, op);
        if (cols == 0) return;
        long rows = x.numel() / cols;
        if (softmaxImpl == SoftmaxImpl.CUDNN && CudnnSoftmax.fits(rows, cols)) cudnn.softmaxForward(x, y, rows, cols, log);
        else CudaSoftmax.wpc_softmax_forward(x.dtype().code(), rows, cols, x.address(), y.address(), log ? 1 : 0, stream());
    }

    @Override
    public void softmaxBackward(Tensor y, Tensor gy, Tensor gx, boolean log) {
        String op = log ? "logSoftmaxBackward" : "softmaxBackward";
        here(op, y, gy, gx);
        contiguous(op, y, gy, gx);
        sameSize(op, y, gy, gx);
        long cols = lastDim(y, op);
        if (cols == 0) return;
        long rows = y.numel() / cols;
        if (softmaxImpl == SoftmaxImpl.CUDNN && CudnnSoftmax.fits(rows, cols)) cudnn.softmaxBackward(y, gy, gx, rows, cols, log);
        else CudaSoftmax.wpc_softmax_backward(y.dtype().code(), rows, cols, y.address(), gy.address(), gx.address(),
                log ? 1 : 0, stream());
    }

    @Override
    public long crossEntropyForward(Tensor logits, Tensor targets, int ignoreIndex, Tensor loss, Tensor logSumExp) {
        String op = "crossEntropyForward";
        here(op, logits, targets, loss, logSumExp);
        contiguous(op, logits, targets, loss, logSumExp);
        long classes = lastDim(logits, op), rows = logits.numel() / Math.max(1, classes);
        sized(op, targets, rows, DType.I32);
        sized(op, loss, rows, logits.dtype());
        sized(op, logSumExp, rows, logits.dtype());
        long s = stream();
        CudaCrossEntropy.wpc_cross_entropy_forward(logits.dtype().code(), rows, classes, logits.address(), targets.address(),
                ignoreIndex, loss.address(), logSumExp.address(), scratch, s);
        return readScratchLong(s);
    }

    @Override
    public void crossEntropyBackward(Tensor logits, Tensor targets, int ignoreIndex, Tensor logSumExp, Tensor gLoss,
                                     Tensor glogits) {
        String op = "crossEntropyBackward";
        here(op, logits, targets, logSumExp, gLoss, glogits);
        contiguous(op, logits, targets, logSumExp, gLoss, glogits);
        long classes = lastDim(logits, op), rows = logits.numel() / Math.max(1, classes);
        sized(op, targets, rows, DType.I32);
        sized(op, logSumExp, rows, logits.dtype());
        sized(op, gLoss, rows, logits.dtype());
        sameSize(op, logits, glogits);
        CudaCrossEntropy.wpc_cross_entropy_backward(logits.dtype().code(), rows, classes, logits.address(), targets.address(),
                ignoreIndex, logSumExp.address(), gLoss.address(), glogits.address(), stream());
    }

    @Override
    public void softCrossEntropyForward(Tensor logits, Tensor q, Tensor loss, Tensor logSumExp) {
        String op = "softCrossEntropyForward";
        here(op, logits, q, loss, logSumExp);
        contiguous(op, logits, q, loss, logSumExp);
        long classes = lastDim(logits, op), rows = logits.numel() / Math.max(1, classes);
        sameSize(op, logits, q);
        sized(op, loss, rows, logits.dtype());
        sized(op, logSumExp, rows, logits.dtype());
        CudaCrossEntropy.wpc_soft_cross_entropy_forward(logits.dtype().code(), rows, classes, logits.address(), q.address(),
                loss.address(), logSumExp.address(), stream());
    }

    @Override
    public void softCrossEntropyBackward(Tensor logits, Tensor q, Tensor logSumExp, Tensor gLoss, Tensor glogits, Tensor gq) {
        String op = "softCrossEntropyBackward";
        here(op, logits, q, logSumExp, gLoss, glogits, gq);
        contiguous(op, logits, q, logSumExp, gLoss, glogits, gq);
        long classes = lastDim(logits, op), rows = logits.numel() / Math.max(1, classes);
        sameSize(op, logits, q, glogits, gq);
        sized(op, logSumExp, rows, logits.dtype());
        sized(op, gLoss, rows, logits.dtype());
        CudaCrossEntropy.wpc_soft_cross_entropy_backward(logits.dtype().code(), rows, classes, logits.address(), q.address(),
                logSumExp.address(), gLoss.address(), glogits.address(), addr(gq), stream());
    }

    @Override
    public long embeddingForward(Tensor table, Tensor ids, Tensor out) {
        String op = "embeddingForward";
        here(op, table, ids, out);
        contiguous(op, table, ids, out);
        if (table.rank() != 2) throw new IllegalArgumentException(op + ": table " + table.describe() + " must be [vocab, dim]");
        long dim = table.dim(1);
        sized(op, ids, ids.numel(), DType.I32);
        sized(op, out, ids.numel() * dim, table.dtype());
        long s = stream();
        CudaEmbedding.wpc_embedding_forward(table.dtype().code(), table.dim(0), dim, table.address(), ids.numel(),
                ids.address(), out.address(), scratch, s);
        return readScratchLong(s);
    }

    @Override
    public void embeddingBackward(Tensor ids, Tensor gy, Tensor gtable) {
        String op = "embeddingBackward";
        here(op, ids, gy, gtable);
        contiguous(op, ids, gy, gtable);
        if (gtable.rank() != 2) throw new IllegalArgumentException(op + ": gtable " + gtable.describe() + " must be [vocab, dim]");
        long dim = gtable.dim(1);
        sized(op, ids, ids.numel(), DType.I32);
        sized(op, gy, ids.numel() * dim, gtable.dtype());
        CudaEmbedding.wpc_embedding_backward(gtable.dtype().code(), gtable.dim(0), dim, ids.numel(), ids.address(),
                gy.address(), gtable.address(), stream());
    }

    @Override
    public void l2NormalizeForward(Tensor x, Tensor y, Tensor norms, double eps) {
        String op = "l2NormalizeForward";
        here(op, x, y, norms);
        contiguous(op, x, y, norms);
        long cols = lastDim(x, op), rows = x.numel() / Math.max(1, cols);
        sameSize(op, x, y);
        sized(op, norms, rows, x.dtype());
        CudaL2Norm.wpc_l2norm_forward(x.dtype().code(), rows, cols, x.address(), y.address(), norms.address(), eps, stream());
    }

    @Override
    public void l2NormalizeBackward(Tensor y, Tensor norms, Tensor gy, Tensor gx, double eps) {
        String op = "l2NormalizeBackward";
        here(op, y, norms, gy, gx);
        contiguous(op, y, norms, gy, gx);
        long cols = lastDim(y, op), rows = y.numel() / Math.max(1, cols);
        sameSize(op, y, gy, gx);
        sized(op, norms, rows, y.dtype());
        CudaL2Norm.wpc_l2norm_backward(y.dtype().code(), rows, cols, y.address(), norms.address(), gy.address(),
                gx.address(), eps, stream());
    }

    @Override
    public void dropoutForward(Tensor x, Tensor y, Tensor mask, double p, long seed) {
        String op = "dropoutForward";
        here(op, x, y, mask);
        contiguous(op, x, y, mask);
        sameSize(op, x, y, mask);
        CudaDropout.wpc_dropout_forward(x.dtype().code(), x.numel(), x.address(), y.address(), addr(mask), p, seed, stream());
    }

    private static void checkImages(String op, Tensor images, Tensor patches, int patch) {
        if (images.rank() != 4) throw new IllegalArgumentException(op + ": images " + images.describe() + " must be [B, C, H, W]");
        if (patch < 1 || images.dim(2) % patch != 0 || images.dim(3) % patch != 0)
            throw new IllegalArgumentException(op + ": images " + images.describe() + " do not tile into " + patch + "x" + patch + " patches");
        sameSize(op, images, patches);
    }

    @Override
    public void patchify(Tensor images, Tensor patches, int patch) {
        here("patchify", images, patches);
        contiguous("patchify", images, patches);
        checkImages("patchify", images, patches, patch);
        CudaPatchify.wpc_patchify(images.dtype().code(), images.dim(0), images.dim(1), images.dim(2), images.dim(3), patch,
                images.address(), patches.address(), stream());
    }

    @Override
    public void unpatchify(Tensor patches, Tensor images, int patch) {
        here("unpatchify", patches, images);
        contiguous("unpatchify", patches, images);
        checkImages("unpatchify", images, patches, patch);
        CudaPatchify.wpc_unpatchify(images.dtype().code(), images.dim(0), images.dim(1), images.dim(2), images.dim(3), patch,
                patches.address(), images.address(), stream());
    }

    private static void checkAttention(String op, Tensor q, Tensor k, Tensor v, Tensor keyMask, Tensor out, Tensor lse) {
        if (q.rank() != 4 || k.rank() != 4 || v.rank() != 4)
            throw new IllegalArgumentException(op + ": q, k, v must be [B, H, L, Dh]: " + q.describe() + ", " + k.describe()
                    + ", " + v.describe());
        long b = q.dim(0), h = q.dim(1), lq = q.dim(2), lk = k.dim(2), dh = q.dim(3);
        sized(op, k, b * h * lk * dh, q.dtype());
        sized(op, v, b * h * lk * dh, q.dtype());
        sized(op, out, b * h * lq * dh, q.dtype());
        sized(op, lse, b * h * lq, q.dtype());
        sized(op, keyMask, b * lk, DType.I32);
    }

    @Override
    public void attentionForward(Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale, Tensor out, Tensor lse) {
        String op = "attentionForward";
        here(op, q, k, v, keyMask, out, lse);
        contiguous(op, q, k, v, keyMask, out, lse);
        checkAttention(op, q, k, v, keyMask, out, lse);
        CudaAttention.wpc_attention_forward(q.dtype().code(), q.dim(0), q.dim(1), q.dim(2), k.dim(2), q.dim(3), q.address(),
                k.address(), v.address(), addr(keyMask), scale, out.address(), lse.address(), stream());
    }

    @Override
    public void attentionBackward(Tensor q, Tensor k, Tensor v, Tensor keyMask, double scale, Tensor out, Tensor lse,
                                  Tensor gout, Tensor gq, Tensor gk, Tensor gv) {
        String op = "attentionBackward";
        here(op, q, k, v, keyMask, out, lse, gout, gq, gk, gv);
        contiguous(op, q, k, v, keyMask, out, lse, gout, gq, gk, gv);
        checkAttention(op, q, k, v, keyMask, out, lse);
        sameSize(op, q, gout, gq);
        sameSize(op, k, gk, gv);
        CudaAttention.wpc_attention_backward(q.dtype().code(), q.dim(0), q.dim(1), q.dim(2), k.dim(2), q.dim(3), q.address(),
                k.address(), v.address(), addr(keyMask), scale, out.address(), lse.address(), gout.address(), gq.address(),
                gk.address(), gv.address(), stream());
    }

    @Override
    public void adamw(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                      double weightDecay, long step) {
        String op = "adamw";
        here(op, param, grad, m, v);
        contiguous(op, param, grad, m, v);
        sameSize(op, param, grad, m, v);
        if (!param.dtype().isFloating())
            throw new IllegalArgumentException("adamw: parameter " + param.describe() + " must be F32 or F64");
        if (step < 1) throw new IllegalArgumentException("adamw: step must be >= 1, got " + step);
        CudaAdamW.wpc_adamw_step(param.dtype().code(), param.numel(), param.address(), grad.address(), m.address(),
                v.address(), lr, beta1, beta2, eps, weightDecay, step, stream());
    }

    // ------------------------------------------------------------------ method kernels (docs/method.md sections 1-4)
    // The CUDA twins of the contrastive-learning kernels of io.weakpair.loss (tested against the
    // CPU backend in tests/java/io/weakpair/backend/cuda/CudaMethodOpsTest). The products run on
    // cuBLAS; the fused loss (materialised or tiled, as chosen) and mining: CudaContrastive.

    static void labels(String op, Tensor labels, long n) {
        if (labels != null && (labels.dtype() != DType.I64 || labels.numel() != n))
            throw new IllegalArgumentException(op + ": labels " + labels.describe() + " must be " + n + " I64 values");
    }

    static long rowsOf2d(String op, Tensor t, String what) {
        if (t.rank() != 2) throw new IllegalArgumentException(op + ": " + what + " " + t.describe() + " must have rank 2");
        return t.dim(0);
    }

    /** A device buffer from the allocator for the duration of one call (freed in stream order). */
    private long workspace(long bytes) { return allocator.allocate(Math.max(bytes, 1)); }

    @Override
    public void similarityForward(Tensor featRows, Tensor featCols, double tau, Tensor unitRows, Tensor unitCols,
                                  Tensor normRows, Tensor normCols, Tensor logits) {
        String op = "similarityForward";
        here(op, featRows, featCols, unitRows, unitCols, normRows, normCols, logits);
        contiguous(op, featRows, featCols, unitRows, unitCols, normRows, normCols, logits);
        long nr = rowsOf2d(op, featRows, "featRows"), nc = rowsOf2d(op, featCols, "featCols"), dim = featRows.dim(1);
        if (featCols.dim(1) != dim) throw new IllegalArgumentException(op + ": feature widths differ: " + featRows.describe() + ", " + featCols.describe());
        if (!(tau > 0)) throw new IllegalArgumentException(op + ": tau must be > 0, got " + tau);
        DType dt = featRows.dtype();
        sameSize(op, featRows, unitRows);
        sameSize(op, featCols, unitCols);
        sized(op, normRows, nr, dt);
        sized(op, normCols, nc, dt);
        sized(op, logits, nr * nc, dt);
        if (nr == 0 || nc == 0 || dim == 0) return;
        long s = stream();
        CudaMethodKernels.wpc_similarity_normalize(dt.code(), nr, dim, featRows.address(), unitRows.address(), normRows.address(), s);
        CudaMethodKernels.wpc_similarity_normalize(dt.code(), nc, dim, featCols.address(), unitCols.address(), normCols.address(), s);
        double invTau = dt == DType.F32 ? (float) (1.0 / tau) : 1.0 / tau;
        gemm.gemm(dt.code(), false, true, 1, nr, nc, dim, invTau, unitRows.address(), dim, 0, unitCols.address(), dim, 0,
                0, logits.address(), nc, 0);
    }

    @Override
    public void similarityBackward(Tensor unitRows, Tensor unitCols, Tensor normRows, Tensor normCols, double tau,
                                   Tensor logits, Tensor gradLogits, Tensor gradRows, Tensor gradCols, Tensor gradTau) {
        String op = "similarityBackward";
        here(op, unitRows, unitCols, normRows, normCols, logits, gradLogits, gradRows, gradCols, gradTau);
        contiguous(op, unitRows, unitCols, normRows, normCols, logits, gradLogits, gradRows, gradCols, gradTau);
        long nr = rowsOf2d(op, unitRows, "unitRows"), nc = rowsOf2d(op, unitCols, "unitCols"), dim = unitRows.dim(1);
        DType dt = unitRows.dtype();
        sized(op, unitCols, nc * dim, dt);
        sized(op, normRows, nr, dt);
        sized(op, normCols, nc, dt);
        sized(op, logits, nr * nc, dt);
        sized(op, gradLogits, nr * nc, dt);
        sameSize(op, unitRows, gradRows);
        sameSize(op, unitCols, gradCols);
        sized(op, gradTau, 1, dt);
        if (nr == 0 || nc == 0 || dim == 0) return;
        long s = stream();
        double invTau = dt == DType.F32 ? (float) (1.0 / tau) : 1.0 / tau;
        if (gradTau != null) {
            long ws = workspace(CudaMethodKernels.wpc_similarity_dtau_workspace_bytes(nr * nc));
            CudaMethodKernels.wpc_similarity_dtau(dt.code(), nr * nc, logits.address(), gradLogits.address(), tau,
                    gradTau.address(), ws, s);
            allocator.free(ws);
        }
        if (gradRows != null) {  // dF = (1/tau) dS g, then through the normalisation in place
            gemm.gemm(dt.code(), false, false, 1, nr, dim, nc, invTau, gradLogits.address(), nc, 0, unitCols.address(), dim, 0,
                    0, gradRows.address(), dim, 0);
            CudaMethodKernels.wpc_similarity_normalize_backward(dt.code(), nr, dim, unitRows.address(), normRows.address(),
                    gradRows.address(), gradRows.address(), s);
        }
        if (gradCols != null) {  // dG = (1/tau) dS^T f
            gemm.gemm(dt.code(), true, false, 1, nc, dim, nr, invTau, gradLogits.address(), nc, 0, unitRows.address(), dim, 0,
                    0, gradCols.address(), dim, 0);
            CudaMethodKernels.wpc_similarity_normalize_backward(dt.code(), nc, dim, unitCols.address(), normCols.address(),
                    gradCols.address(), gradCols.address(), s);
        }
    }

    @Override
    public void uncertaintyConfidence(Tensor logits, Tensor rowLabels, Tensor colLabels, Tensor confI2t, Tensor confT2i) {
        String op = "uncertaintyConfidence";
        here(op, logits, rowLabels, colLabels, confI2t, confT2i);
        contiguous(op, logits, rowLabels, colLabels, confI2t, confT2i);
        long nr = rowsOf2d(op, logits, "logits"), nc = logits.dim(1);
        labels(op, rowLabels, nr);
        labels(op, colLabels, nc);
        sameSize(op, logits, confI2t, confT2i);
        CudaMethodKernels.wpc_uncertainty_confidence(logits.dtype().code(), nr, nc, logits.address(), addr(rowLabels),
                addr(colLabels), addr(confI2t), addr(confT2i), stream());
    }

    @Override
    public void contrastiveLogits(Tensor logits, Tensor rowLabels, Tensor colLabels, double alpha, Tensor confI2t,
                                  Tensor confT2i, Tensor losses, Tensor gradLogits) {
        String op = "contrastiveLogits";
        here(op, logits, rowLabels, colLabels, confI2t, confT2i, losses, gradLogits);
        contiguous(op, logits, rowLabels, colLabels, confI2t, confT2i, losses, gradLogits);
        long nr = rowsOf2d(op, logits, "logits"), nc = logits.dim(1);
        labels(op, rowLabels, nr);
        labels(op, colLabels, nc);
        sameSize(op, logits, confI2t, confT2i, gradLogits);
        sized(op, losses, 3, logits.dtype());
        int dt = logits.dtype().code();
        long ws = workspace(CudaMethodKernels.wpc_contrastive_logits_workspace_bytes(dt, nr, nc));
        CudaMethodKernels.wpc_contrastive_logits(dt, nr, nc, logits.address(), addr(rowLabels), addr(colLabels), alpha,
                addr(confI2t), addr(confT2i), addr(losses), addr(gradLogits), ws, stream());
        allocator.free(ws);
    }

    @Override
    public void contrastiveFused(Tensor featRows, Tensor featCols, double tau, Tensor rowLabels, Tensor colLabels,
                                 double alpha, Tensor confI2t, Tensor confT2i, boolean keepLogits, long blockRows,
                                 Tensor losses, Tensor gradRows, Tensor gradCols, Tensor gradTau) {
        contrastive.fused(featRows, featCols, tau, rowLabels, colLabels, alpha, confI2t, confT2i, keepLogits, blockRows, losses, gradRows, gradCols, gradTau);
    }

    @Override
    public void mineHardNegatives(Tensor logits, Tensor labels, MiningMode mode, long seed, Tensor hardNegText,
                                  Tensor hardNegImage) {
        contrastive.mineHardNegatives(logits, labels, mode, seed, hardNegText, hardNegImage);
    }

    @Override
    public void mineWeakPositives(Tensor logits, Tensor labels, MiningMode mode, long seed, Tensor weakPosText) {
        contrastive.mineWeakPositives(logits, labels, mode, seed, weakPosText);
    }

    // ------------------------------------------------------------------ helpers

    private static long addr(Tensor t) { return t == null ? 0 : t.address(); }

    static long[] longs(int[] shape) {
        long[] out = new long[shape.length];
        for (int i = 0; i < shape.length; i++) out[i] = shape[i];
        return out;
    }
}
