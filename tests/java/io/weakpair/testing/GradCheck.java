package io.weakpair.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.weakpair.autograd.Autograd;
import io.weakpair.autograd.GradMode;
import io.weakpair.ops.F;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Gradient checks against central finite differences in float64, and float32-vs-float64
 * forward checks. The checked function is reduced to a scalar with fixed random weights
 * (sum(out * w)) so every output element takes part. Each probed element of each gradient is
 * compared on its own (see {@link #GRAD_ATOL}); the report's "max relative error" is the
 * largest |analytic - numeric| / max(|numeric|, GRAD_ATOL / GRAD_RTOL).
 */
public final class GradCheck {
    /**
     * Per element, as PyTorch's gradcheck: |analytic - numeric| <= GRAD_ATOL + GRAD_RTOL * |numeric|
     * (float64 central differences with step 1e-6 are good to about 1e-9 here), so one wrong
     * small entry cannot hide behind large ones.
     */
    public static final double GRAD_ATOL = 1e-6;

    public static final double GRAD_RTOL = 1e-5;
    /** Largest accepted relative error of an F32 forward against the F64 forward. */
    public static final double F32_TOLERANCE = 1e-5;

    private static final double EPS = 1e-6;
    /** Elements probed per input; larger inputs are sampled at random positions. */
    private static final int MAX_PROBES = 400;

    private GradCheck() {}

    /** Result of one check, printed so the test report shows the error of every op. */
    public record Result(String op, double maxRelativeError, int probes) {}

    /**
     * Checks the gradient of {@code f} with respect to every input that requires a gradient.
     * Inputs must be F64 leaves on one device (the CPU, or a GPU to check its kernels).
     */
    public static Result check(String op, Function<Tensor[], Tensor> f, Tensor... inputs) {
        double worst = 0;
        int probes = 0;
        try (Scope scope = Scope.open()) {
            for (Tensor in : inputs)
                if (in != null && in.dtype() != DType.F64)
                    fail(op + ": gradient checks need F64 inputs, got " + in.describe());
            Tensor out = f.apply(inputs);
            double[] w = weights(out.numel(), 0x5eedL);
            Tensor wt = Tensor.fromDoubles(w, DType.F64, out.device(), out.shape());
            Tensor loss = F.sum(F.mul(out, wt));
            Autograd.backward(loss);
            for (int idx = 0; idx < inputs.length; idx++) {
                Tensor in = inputs[idx];
                if (in == null || !in.requiresGrad()) continue;
                if (in.grad() == null) fail(op + ": input " + idx + " requires a gradient but received none");
                double[] analytic = in.grad().toDoubleArray();
                double[] values = in.toDoubleArray();
                List<Integer> positions = positions(values.length, idx);
                double inputWorst = 0;
                int badPos = -1;
                double badAnalytic = 0, badNumeric = 0, badExcess = 0;
                for (int pos : positions) {
                    double orig = values[pos];
                    values[pos] = orig + EPS;
                    in.backend().upload(in, values);
                    double fp = evaluate(f, inputs, w);
                    values[pos] = orig - EPS;
                    in.backend().upload(in, values);
                    double fm = evaluate(f, inputs, w);
                    values[pos] = orig;
                    in.backend().upload(in, values);
                    double numeric = (fp - fm) / (2 * EPS);
                    double diff = Math.abs(analytic[pos] - numeric);
                    if (!Double.isFinite(analytic[pos]) || !Double.isFinite(numeric)) diff = Double.POSITIVE_INFINITY;
                    inputWorst = Math.max(inputWorst, relativeError(diff, numeric));
                    double excess = diff / (GRAD_ATOL + GRAD_RTOL * Math.abs(numeric));
                    if (excess > 1 && (badPos < 0 || excess > badExcess)) {
                        badPos = pos;
                        badAnalytic = analytic[pos];
                        badNumeric = numeric;
                        badExcess = excess;
                    }
                }
                worst = Math.max(worst, inputWorst);
                probes += positions.size();
                if (badPos >= 0)
                    fail(op + ": gradient of input " + idx + " " + in.describe() + " at element " + badPos
                            + ": analytic "
                            + badAnalytic + " vs numeric " + badNumeric + " (|difference| > " + GRAD_ATOL + " + "
                            + GRAD_RTOL
                            + " * |numeric|, by a factor " + String.format("%.3g", badExcess) + ")");
                in.zeroGrad();
            }
        }
        System.out.printf("gradcheck %-28s max relative error %.3e over %d probes%n", op, worst, probes);
        return new Result(op, worst, probes);
    }

    /** Checks that the F32 forward of {@code f} matches its F64 forward. */
    public static double checkF32(String op, Function<Tensor[], Tensor> f, Tensor... inputs64) {
        try (Scope scope = Scope.open();
                GradMode off = GradMode.off()) {
            double[] ref = f.apply(inputs64).toDoubleArray();
            Tensor[] inputs32 = new Tensor[inputs64.length];
            for (int i = 0; i < inputs64.length; i++)
                inputs32[i] = inputs64[i] == null
                        ? null
                        : inputs64[i].dtype() == DType.F64 ? inputs64[i].toDType(DType.F32) : inputs64[i];
            Tensor out32 = f.apply(inputs32);
            if (out32.dtype() != DType.F32) fail(op + ": F32 inputs gave a " + out32.dtype() + " output");
            double[] got = out32.toDoubleArray();
            double n2 = 0, d2 = 0;
            for (int i = 0; i < ref.length; i++) {
                n2 += ref[i] * ref[i];
                d2 += (got[i] - ref[i]) * (got[i] - ref[i]);
            }
            double rel = Math.sqrt(d2) / Math.max(Math.sqrt(n2), 1e-30);
            System.out.printf("f32-vs-f64 %-27s relative error %.3e%n", op, rel);
            assertTrue(rel <= F32_TOLERANCE, op + ": F32 forward differs from F64 by " + rel);
            return rel;
        }
    }

    /** |difference| relative to |numeric|, with numeric values below GRAD_ATOL / GRAD_RTOL counted as that floor. */
    private static double relativeError(double diff, double numeric) {
        return diff / Math.max(Math.abs(numeric), GRAD_ATOL / GRAD_RTOL);
    }

    private static double evaluate(Function<Tensor[], Tensor> f, Tensor[] inputs, double[] w) {
        try (Scope s = Scope.open();
                GradMode off = GradMode.off()) {
            double[] out = f.apply(inputs).toDoubleArray();
            double acc = 0;
            for (int i = 0; i < out.length; i++) acc += out[i] * w[i];
            return acc;
        }
    }

    private static double[] weights(long n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] w = new double[Math.toIntExact(n)];
        for (int i = 0; i < w.length; i++) w[i] = rng.nextDouble(-1, 1);
        return w;
    }

    private static List<Integer> positions(int n, int salt) {
        List<Integer> out = new ArrayList<>();
        if (n <= MAX_PROBES) {
            for (int i = 0; i < n; i++) out.add(i);
        } else {
            SplittableRandom rng = new SplittableRandom(1234 + salt);
            for (int i = 0; i < MAX_PROBES; i++) out.add(rng.nextInt(n));
        }
        return out;
    }

    /** A leaf F64 CPU tensor of normal samples that requires a gradient. */
    public static Tensor param(long seed, int... shape) {
        return Tensor.randn(seed, 1.0, DType.F64, Device.CPU, shape).requiresGrad(true);
    }

    /** Same, with values in [lo, hi). */
    public static Tensor param(long seed, double lo, double hi, int... shape) {
        return Tensor.uniform(seed, lo, hi, DType.F64, Device.CPU, shape).requiresGrad(true);
    }
}
