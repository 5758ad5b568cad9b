package io.weakpair.bench.gpu;

import io.weakpair.backend.cuda.CudaBackend;
import io.weakpair.backend.cuda.CudaBackends;
import io.weakpair.backend.cuda.SoftmaxImpl;
import io.weakpair.nativ.cuda.CudaKernels;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Kernel timings of the CUDA backend with CUDA events: GEMM (cuBLAS FP32, TF32, the built-in
 * kernel), layer norm, softmax (built-in and cuDNN), fused attention and the fused uITC
 * contrastive loss (docs/method.md section 3), forward and forward+backward, F32, on random data. The same cases and names as bench/gpu/torch_gpu_bench.py
 * so bench/gpu/summarize.py can put them side by side.
 *
 * <p>Each case: three warm-up runs, then as many back-to-back runs as take about 2 ms between
 * two events, repeated {@code --repeats} times; the median per-run time is printed. Output:
 * CSV lines op,shape,mode,impl,median_ms,metric (metric: TFLOP/s for products, GB/s of
 * compulsory traffic for the memory-bound kernels).
 *
 * <p>Usage: java -cp ... io.weakpair.bench.gpu.CudaBench [--repeats 9] [--only gemm,layernorm,softmax,attention,contrastive]
 * [--smoke]. {@code --smoke} runs tiny shapes, also on the CPU emulator of the kernels: a check
 * of this program's code paths on a machine without a GPU, not a measurement.
 */
public final class CudaBench {
    private final CudaBackend cuda;
    private final Device gpu;
    private final int repeats;
    private final boolean smoke;
    private final long start = CudaKernels.wpc_event_create(), end = CudaKernels.wpc_event_create();
    private final List<Tensor> live = new ArrayList<>();

    private CudaBench(CudaBackend cuda, int repeats, boolean smoke) {
        this.cuda = cuda;
        this.gpu = cuda.device();
        this.repeats = repeats;
        this.smoke = smoke;
    }

    public static void main(String[] args) {
        int repeats = 9;
        String only = "";
        boolean smoke = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--repeats")) repeats = Integer.parseInt(args[++i]);
            else if (args[i].equals("--only")) only = args[++i];
            else if (args[i].equals("--smoke")) smoke = true;
        }
        if (smoke) System.setProperty("weakpair.cuda.emulator", "true");
        if (!CudaBackends.isAvailable() || (CudaBackends.isEmulated() && !smoke)) {
            System.out.println("# SKIPPED: no CUDA device: " + CudaBackends.unavailableReason());
            System.exit(3);
        }
        CudaBackend cuda = CudaBackends.get(0);
        System.out.println("# " + cuda.describe());
        System.out.println("op,shape,mode,impl,median_ms,metric");
        CudaBench b = new CudaBench(cuda, repeats, smoke);
        List<String> ops = only.isBlank()
                ? List.of("gemm", "layernorm", "softmax", "attention", "contrastive")
                : Arrays.asList(only.split(","));
        if (ops.contains("gemm")) b.gemm();
        if (ops.contains("layernorm")) b.layerNorm();
        if (ops.contains("softmax")) b.softmax();
        if (ops.contains("attention")) b.attention();
        if (ops.contains("contrastive")) b.contrastive();
        System.out.println("# " + cuda.memoryStats());
    }

    private Tensor randn(long seed, int... shape) {
        Tensor t = Tensor.randn(seed, 1.0, DType.F32, gpu, shape);
        live.add(t);
        return t;
    }

    private Tensor empty(DType dtype, int... shape) {
        Tensor t = Tensor.empty(dtype, gpu, shape);
        live.add(t);
        return t;
    }

    private void freeAll() {
        live.forEach(Tensor::close);
        live.clear();
    }

    /** Median milliseconds of one run of op, timed with events on the backend's stream. */
    private double time(Runnable op) {
        for (int i = 0; i < 3; i++) op.run();
        cuda.synchronize();
        long s = cuda.stream();
        CudaKernels.wpc_event_record(start, s);
        op.run();
        CudaKernels.wpc_event_record(end, s);
        double once = Math.max(CudaKernels.wpc_event_elapsed_ms(start, end), 1e-3);
        // The emulator's events read 0 ms: a smoke run times single calls, it measures nothing.
        int iters = smoke ? 1 : (int) Math.max(1, Math.min(200, Math.ceil(2.0 / once)));
        double[] t = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            CudaKernels.wpc_event_record(start, s);
            for (int i = 0; i < iters; i++) op.run();
            CudaKernels.wpc_event_record(end, s);
            t[r] = CudaKernels.wpc_event_elapsed_ms(start, end) / iters;
        }
        Arrays.sort(t);
        return t[repeats / 2];
    }

    private static void row(String op, String shape, String mode, String impl, double ms, double metric) {
        System.out.printf(Locale.ROOT, "%s,%s,%s,%s,%.4f,%.1f%n", op, shape, mode, impl, ms, metric);
    }

    private void gemm() {
        int[][] shapes = smoke
                ? new int[][] {{64, 32, 48}, {33, 17, 29}}
                : new int[][] {{4096, 4096, 4096}, {1576, 768, 2304}, {8192, 768, 3072}, {8192, 3072, 768}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            Tensor a = randn(1, m, k), bb = randn(2, k, n), c = empty(DType.F32, m, n);
            String shape = m + "x" + k + "x" + n;
            double flops = 2.0 * m * n * k;
            Runnable mul = () -> cuda.gemm(false, false, 1, m, n, k, 1, a, k, 0, bb, n, 0, 0, c, n, 0);
            cuda.setTf32(false);
            double fp32 = time(mul);
            row(
                    "gemm",
                    shape,
                    "forward",
                    cuda.gemmEngine().startsWith("cuBLAS") ? "cublas-fp32" : "builtin-fp32",
                    fp32,
                    flops / fp32 / 1e9);
            cuda.setTf32(true);
            double tf32 = time(mul);
            cuda.setTf32(false);
            if (cuda.gemmEngine().startsWith("cuBLAS"))
                row("gemm", shape, "forward", "cublas-tf32", tf32, flops / tf32 / 1e9);
            if (s == shapes[1]) {
                double builtin =
                        time(() -> cuda.gemmBuiltin(false, false, 1, m, n, k, 1, a, k, 0, bb, n, 0, 0, c, n, 0));
                row("gemm", shape, "forward", "builtin-fp32", builtin, flops / builtin / 1e9);
            }
            freeAll();
        }
    }

    private void layerNorm() {
        int[][] shapes =
                smoke ? new int[][] {{64, 48}, {5, 1100}} : new int[][] {{16384, 768}, {4096, 1024}, {8192, 768}};
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1];
            Tensor x = randn(3, rows, cols),
                    gamma = randn(4, cols),
                    beta = randn(5, cols),
                    y = empty(DType.F32, rows, cols);
            Tensor mean = empty(DType.F32, rows), rstd = empty(DType.F32, rows), gy = randn(6, rows, cols);
            Tensor gx = empty(DType.F32, rows, cols), gg = empty(DType.F32, cols), gb = empty(DType.F32, cols);
            String shape = rows + "x" + cols;
            double bytes = 2.0 * rows * cols * 4;
            double fwd = time(() -> cuda.layerNormForward(x, gamma, beta, 1e-6, y, mean, rstd));
            row("layernorm", shape, "forward", "builtin", fwd, bytes / fwd / 1e6);
            double fb = time(() -> {
                cuda.layerNormForward(x, gamma, beta, 1e-6, y, mean, rstd);
                cuda.layerNormBackward(x, gamma, mean, rstd, gy, gx, gg, gb);
            });
            row("layernorm", shape, "forward+backward", "builtin", fb, 5.0 * rows * cols * 4 / fb / 1e6);
            freeAll();
        }
    }

    private void softmax() {
        int[][] shapes =
                smoke ? new int[][] {{64, 48}, {5, 1100}} : new int[][] {{16384, 1024}, {65536, 197}, {4096, 30522}};
        boolean cudnn = true;
        for (int[] s : shapes) {
            int rows = s[0], cols = s[1];
            Tensor x = randn(7, rows, cols), y = empty(DType.F32, rows, cols), gy = randn(8, rows, cols);
            Tensor gx = empty(DType.F32, rows, cols);
            String shape = rows + "x" + cols;
            double bytes = 2.0 * rows * cols * 4;
            for (SoftmaxImpl impl : SoftmaxImpl.values()) {
                if (impl == SoftmaxImpl.CUDNN) {
                    if (!cudnn) continue;
                    try {
                        cuda.setSoftmaxImpl(SoftmaxImpl.CUDNN);
                    } catch (IllegalStateException e) {
                        System.out.println("# cuDNN softmax unavailable: " + e.getMessage());
                        cudnn = false;
                        continue;
                    }
                }
                String name = impl == SoftmaxImpl.CUDNN ? "cudnn" : "builtin";
                double fwd = time(() -> cuda.softmaxForward(x, y, false));
                row("softmax", shape, "forward", name, fwd, bytes / fwd / 1e6);
                double fb = time(() -> {
                    cuda.softmaxForward(x, y, false);
                    cuda.softmaxBackward(y, gy, gx, false);
                });
                row("softmax", shape, "forward+backward", name, fb, 5.0 * rows * cols * 4 / fb / 1e6);
                cuda.setSoftmaxImpl(SoftmaxImpl.BUILTIN);
            }
            freeAll();
        }
    }

    private void attention() {
        // B, H, Lq, Lk, Dh, masked: ViT-B/16 at 224 px, BERT-base on 64 tokens with padding, cross-attention
        int[][] cases = smoke
                ? new int[][] {{2, 2, 9, 9, 16, 0}, {2, 1, 5, 11, 8, 1}}
                : new int[][] {{32, 12, 197, 197, 64, 0}, {64, 12, 64, 64, 64, 1}, {32, 12, 64, 197, 64, 1}};
        for (int[] c : cases) {
            int b = c[0], h = c[1], lq = c[2], lk = c[3], dh = c[4];
            boolean masked = c[5] != 0;
            Tensor q = randn(9, b, h, lq, dh), k = randn(10, b, h, lk, dh), v = randn(11, b, h, lk, dh);
            Tensor out = empty(DType.F32, b, h, lq, dh), lse = empty(DType.F32, b, h, lq), go = randn(12, b, h, lq, dh);
            Tensor gq = empty(DType.F32, b, h, lq, dh),
                    gk = empty(DType.F32, b, h, lk, dh),
                    gv = empty(DType.F32, b, h, lk, dh);
            Tensor mask = null;
            if (masked) {
                int[] m = new int[b * lk];
                for (int i = 0; i < b; i++)
                    for (int j = 0; j < lk; j++) m[i * lk + j] = j < lk - lk / 5 ? 1 : 0; // the last fifth is padding
                Tensor host = Tensor.ofInts(m, b, lk);
                mask = host.to(gpu);
                host.close();
                live.add(mask);
            }
            Tensor km = mask;
            double scale = 1 / Math.sqrt(dh);
            String shape = "B" + b + "H" + h + "Lq" + lq + "Lk" + lk + "D" + dh + (masked ? "m" : "");
            double flops = 4.0 * b * h * lq * lk * dh;
            double fwd = time(() -> cuda.attentionForward(q, k, v, km, scale, out, lse));
            row("attention", shape, "forward", "builtin", fwd, flops / fwd / 1e9);
            double fb = time(() -> {
                cuda.attentionForward(q, k, v, km, scale, out, lse);
                cuda.attentionBackward(q, k, v, km, scale, out, lse, go, gq, gk, gv);
            });
            row("attention", shape, "forward+backward", "builtin", fb, 3.5 * flops / fb / 1e9);
            freeAll();
        }
    }

    /**
     * The uITC loss of docs/method.md section 3 (alpha 0.6, tau 0.07) over a square batch of N image and text
     * features, D = 256, K = 4 instances per identity (labels i / 4), as one call of the
     * backend's fused kernel: the loss alone (forward) and the loss with its gradients to both
     * features and the temperature (forward+backward). bench/gpu/torch_gpu_bench.py times the
     * same loss composed from PyTorch ops (bench/torch_contrastive.py's definition). Metric:
     * TFLOP/s of the products (2 N^2 D forward; 3 times that with the backward).
     */
    private void contrastive() {
        int d = smoke ? 16 : 256;
        int[] sizes = smoke ? new int[] {24, 40} : new int[] {1024, 4096, 16384};
        for (int n : sizes) {
            Tensor f = randn(13, n, d), g = randn(14, n, d);
            long[] y = new long[n];
            for (int i = 0; i < n; i++) y[i] = i / 4;
            Tensor host = Tensor.ofLongs(y, n);
            Tensor labels = host.to(gpu);
            host.close();
            live.add(labels);
            Tensor losses = empty(DType.F32, 3), gf = empty(DType.F32, n, d), gg = empty(DType.F32, n, d);
            Tensor gt = empty(DType.F32);
            String shape = "N" + n + "xD" + d;
            double flops = 2.0 * n * n * d;
            double fwd = time(() -> cuda.contrastiveFused(
                    f, g, 0.07, labels, labels, 0.6, null, null, true, 0, losses, null, null, null));
            row("contrastive", shape, "forward", "fused", fwd, flops / fwd / 1e9);
            double fb = time(() ->
                    cuda.contrastiveFused(f, g, 0.07, labels, labels, 0.6, null, null, true, 0, losses, gf, gg, gt));
            row("contrastive", shape, "forward+backward", "fused", fb, 3 * flops / fb / 1e9);
            freeAll();
        }
    }
}
