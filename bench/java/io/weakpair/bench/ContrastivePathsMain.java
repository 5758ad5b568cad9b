package io.weakpair.bench;

import io.weakpair.autograd.Autograd;
import io.weakpair.loss.ContrastiveLoss;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.util.Arrays;

/**
 * Times the two paths of the contrastive loss (forward + backward, F32) side by side on the
 * same inputs, alternating: the materialised path keeps S (N x N) between the loss and the
 * gradient pass, the tiled one recomputes it block by block. Where (if anywhere) the tiled
 * path overtakes the materialised one sets ContrastiveLoss.MATERIALISED_MAX_LOGITS.
 *
 * <pre>java -cp ... io.weakpair.bench.ContrastivePathsMain [D=256] [repeats=7] [N ...]</pre>
 * Block rows for the tiled path come from -Dweakpair.blockRows (0 = automatic).
 */
public final class ContrastivePathsMain {
    private ContrastivePathsMain() {}

    public static void main(String[] args) {
        int d = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int[] sizes = args.length > 2
                ? Arrays.stream(args, 2, args.length)
                        .mapToInt(Integer::parseInt)
                        .toArray()
                : new int[] {256, 512, 1024, 2048, 4096, 8192};
        int blockRows = Integer.getInteger("weakpair.blockRows", 0);
        System.out.println("N,D,materialised_ms,tiled_ms,tiled/materialised");
        for (int n : sizes) {
            Tensor f = Tensor.randn(1, 1, DType.F32, Device.CPU, n, d).requiresGrad(true);
            Tensor g = Tensor.randn(2, 1, DType.F32, Device.CPU, n, d).requiresGrad(true);
            Tensor tau = Tensor.full(0.07, DType.F32, Device.CPU).requiresGrad(true);
            long[] y = new long[n];
            for (int i = 0; i < n; i++) y[i] = i / 4;
            Tensor labels = Tensor.ofLongs(y, n);
            ContrastiveLoss.Options base =
                    ContrastiveLoss.Options.uncertainty(0.6).withBlockRows(blockRows);
            ContrastiveLoss.Options mat = base.withPath(ContrastiveLoss.Path.MATERIALISED);
            ContrastiveLoss.Options til = base.withPath(ContrastiveLoss.Path.TILED);
            for (int w = 0; w < 2; w++) {
                step(f, g, tau, labels, mat);
                step(f, g, tau, labels, til);
            }
            double[] tm = new double[repeats], tt = new double[repeats];
            for (int r = 0; r < repeats; r++) {
                tm[r] = step(f, g, tau, labels, mat);
                tt[r] = step(f, g, tau, labels, til);
            }
            double m = median(tm), t = median(tt);
            System.out.printf("%d,%d,%.2f,%.2f,%.3f%n", n, d, m, t, t / m);
            f.close();
            g.close();
            tau.close();
            labels.close();
        }
    }

    static double step(Tensor f, Tensor g, Tensor tau, Tensor labels, ContrastiveLoss.Options o) {
        long t0 = System.nanoTime();
        try (Scope s = Scope.open()) {
            Autograd.backward(ContrastiveLoss.apply(f, g, tau, labels, o).loss());
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        f.zeroGrad();
        g.zeroGrad();
        tau.zeroGrad();
        return ms;
    }

    static double median(double[] x) {
        double[] c = x.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }
}
