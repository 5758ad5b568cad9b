package io.weakpair.bench;

import io.weakpair.autograd.Autograd;
import io.weakpair.loss.ContrastiveLoss;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Fused uITC forward + backward at a scale where S cannot be materialised: N = 32768, D = 256
 * by default (S alone would take N * N * 4 bytes = 4 GiB in F32). Reports the wall time and
 * the process's peak resident memory (VmHWM of /proc/self/status: JVM, heap and native buffers
 * together). Run by bench/contrastive_scale.sh.
 *
 * <pre>java -Xmx1g -cp ... io.weakpair.bench.ContrastiveScaleMain [N=32768] [D=256] [tiled|auto]</pre>
 */
public final class ContrastiveScaleMain {
    private ContrastiveScaleMain() {}

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 32768;
        int d = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        ContrastiveLoss.Path path = args.length > 2 && args[2].equalsIgnoreCase("auto")
                ? ContrastiveLoss.Path.AUTO
                : ContrastiveLoss.Path.TILED;
        System.out.printf(
                Locale.ROOT,
                "contrastive scale: N=%d D=%d F32 uITC alpha=0.6 path=%s; a materialised S would be %.2f GiB%n",
                n,
                d,
                path,
                (double) n * n * 4 / (1L << 30));
        System.out.printf(Locale.ROOT, "before: VmHWM %s, VmRSS %s%n", status("VmHWM"), status("VmRSS"));
        try (Scope scope = Scope.open()) {
            Tensor image = Tensor.randn(1, 1, DType.F32, Device.CPU, n, d).requiresGrad(true);
            Tensor text = Tensor.randn(2, 1, DType.F32, Device.CPU, n, d).requiresGrad(true);
            Tensor tau = Tensor.full(0.07, DType.F32, Device.CPU).requiresGrad(true);
            long[] y = new long[n];
            for (int i = 0; i < n; i++) y[i] = i / 4;
            Tensor labels = Tensor.ofLongs(y, n);
            System.out.printf(Locale.ROOT, "inputs ready: VmHWM %s, VmRSS %s%n", status("VmHWM"), status("VmRSS"));
            long t0 = System.nanoTime();
            ContrastiveLoss.Result r = ContrastiveLoss.apply(
                    image,
                    text,
                    tau,
                    labels,
                    ContrastiveLoss.Options.uncertainty(0.6).withPath(path));
            Autograd.backward(r.loss());
            double seconds = (System.nanoTime() - t0) / 1e9;
            double gradNorm = Math.sqrt(image.grad().backend().sumSquares(image.grad()));
            System.out.printf(
                    Locale.ROOT,
                    "forward+backward: %.2f s; loss %.6f (i2t %.6f, t2i %.6f), |dL/dF| %.4e, dL/dtau %.6f%n",
                    seconds,
                    r.loss().item(),
                    r.lossI2t().item(),
                    r.lossT2i().item(),
                    gradNorm,
                    tau.grad().item());
        }
        String hwm = status("VmHWM");
        System.out.printf(
                Locale.ROOT, "peak resident memory (VmHWM): %s (%.2f GiB)%n", hwm, kib(hwm) / (1024.0 * 1024.0));
    }

    private static String status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status")))
            if (line.startsWith(key + ":"))
                return line.substring(key.length() + 1).trim();
        return "?";
    }

    private static long kib(String v) {
        String[] p = v.split("\\s+");
        try {
            return Long.parseLong(p[0]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
