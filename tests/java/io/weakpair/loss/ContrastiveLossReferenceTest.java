package io.weakpair.loss;

import static io.weakpair.loss.LossFixtures.assertClose;
import static io.weakpair.loss.LossFixtures.matrix;
import static io.weakpair.loss.LossFixtures.tensor;

import io.weakpair.autograd.Autograd;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernels (both paths, F64 and F32) against the independent double reference of
 * docs/method.md: loss, both directions, confidence, and the gradients to F, G and tau.
 */
@ExtendWith(ScopePerTest.class)
class ContrastiveLossReferenceTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // nr, nc, d, targets, alpha, path, blockRows, tau
                Arguments.of(12, 12, 16, "uncertainty", 0.6, ContrastiveLoss.Path.MATERIALISED, 0, 0.07),
                Arguments.of(12, 12, 16, "uncertainty", 0.6, ContrastiveLoss.Path.TILED, 5, 0.07),
                Arguments.of(37, 37, 9, "uncertainty", 1.0, ContrastiveLoss.Path.TILED, 8, 0.2),
                Arguments.of(37, 37, 9, "id", 0.0, ContrastiveLoss.Path.TILED, 0, 0.05),
                Arguments.of(37, 37, 9, "strict", 0.0, ContrastiveLoss.Path.MATERIALISED, 0, 0.05),
                Arguments.of(21, 40, 11, "uncertainty", 0.3, ContrastiveLoss.Path.TILED, 6, 0.1),
                Arguments.of(21, 40, 11, "uncertainty", 0.3, ContrastiveLoss.Path.MATERIALISED, 0, 0.1),
                Arguments.of(21, 40, 11, "strict", 0.0, ContrastiveLoss.Path.TILED, 4, 0.1),
                Arguments.of(30, 17, 8, "id", 0.0, ContrastiveLoss.Path.TILED, 7, 0.3),
                Arguments.of(64, 64, 32, "uncertainty", 0.6, ContrastiveLoss.Path.AUTO, 0, 0.001),
                // Big enough for several threads in the kernels (each owns a range of rows).
                Arguments.of(600, 520, 8, "uncertainty", 0.6, ContrastiveLoss.Path.TILED, 0, 0.07),
                Arguments.of(600, 520, 8, "uncertainty", 0.6, ContrastiveLoss.Path.TILED, 97, 0.07),
                Arguments.of(520, 600, 8, "id", 0.0, ContrastiveLoss.Path.MATERIALISED, 0, 0.07));
    }

    @ParameterizedTest(name = "{0}x{1} d{2} {3} alpha {4} {5} block {6} tau {7}")
    @MethodSource("cases")
    void kernelsMatchTheReference(
            int nr, int nc, int d, String targets, double alpha, ContrastiveLoss.Path path, int blockRows, double tau) {
        // Rectangular cases: the columns carry the rows' identities first, then queued ones
        // (some of them new identities, so some columns have no positive row); with nr > nc
        // some rows have no positive column.
        long[] colLabels = LossFixtures.labels(nc * 31L, nc, 4);
        long[] rowLabels = new long[nr];
        for (int i = 0; i < nr; i++) rowLabels[i] = i < nc ? colLabels[i] : 5000 + i % 3;
        double[][] F = LossFixtures.features(1 + nr, rowLabels, d, 0.8);
        double[][] G = LossFixtures.features(2 + nc, colLabels, d, 0.8);
        boolean strict = targets.equals("strict");
        MethodReference.Out ref = MethodReference.loss(
                F,
                G,
                tau,
                strict ? null : rowLabels,
                strict ? null : colLabels,
                targets.equals("uncertainty") ? alpha : 0,
                null);
        ContrastiveLoss.Options opts =
                ContrastiveLoss.Options.of(targets, alpha).withPath(path).withBlockRows(blockRows);

        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            double tol = dt == DType.F64 ? 1e-10 : (tau < 0.01 ? 2e-3 : 2e-4);
            Tensor f = tensor(F, dt).requiresGrad(true), g = tensor(G, dt).requiresGrad(true);
            Tensor t = LossFixtures.scalar(tau, dt).requiresGrad(true);
            ContrastiveLoss.Result r = ContrastiveLoss.apply(
                    f, g, t, LossFixtures.labelsTensor(rowLabels), LossFixtures.labelsTensor(colLabels), opts);
            Autograd.backward(r.loss());
            String w = dt + " " + targets + " " + path;
            assertClose(r.loss().item(), ref.loss, tol, w + " loss");
            assertClose(r.lossI2t().item(), ref.lossI2t, tol, w + " loss_i2t");
            assertClose(r.lossT2i().item(), ref.lossT2i, tol, w + " loss_t2i");
            assertClose(matrix(f.grad()), ref.gradF, tol * 10, w + " grad F");
            assertClose(matrix(g.grad()), ref.gradG, tol * 10, w + " grad G");
            assertClose(t.grad().item(), ref.gradTau, tol * 10, w + " grad tau");
        }
    }

    @org.junit.jupiter.api.Test
    void zeroFeatureRowsFollowTheNormalisationFloor() {
        long[] y = {1, 2, 1, 3, 2, 1, 4};
        double[][] F = LossFixtures.features(5, y, 6, 0.5), G = LossFixtures.features(6, y, 6, 0.5);
        F[2] = new double[6]; // f_2 = 0: S row 2 is all zero, dF_2 = df_2 / 1e-12
        G[4] = new double[6];
        MethodReference.Out ref = MethodReference.loss(F, G, 0.1, y, y, 0.6, null);
        for (ContrastiveLoss.Path path :
                new ContrastiveLoss.Path[] {ContrastiveLoss.Path.MATERIALISED, ContrastiveLoss.Path.TILED}) {
            Tensor f = tensor(F, DType.F64).requiresGrad(true),
                    g = tensor(G, DType.F64).requiresGrad(true);
            Tensor t = LossFixtures.scalar(0.1, DType.F64).requiresGrad(true);
            ContrastiveLoss.Result r = ContrastiveLoss.apply(
                    f,
                    g,
                    t,
                    LossFixtures.labelsTensor(y),
                    ContrastiveLoss.Options.uncertainty(0.6).withPath(path).withBlockRows(3));
            Autograd.backward(r.loss());
            assertClose(r.loss().item(), ref.loss, 1e-12, path + " loss");
            assertClose(matrix(f.grad()), ref.gradF, 1e-10, path + " grad F");
            assertClose(matrix(g.grad()), ref.gradG, 1e-10, path + " grad G");
            assertClose(t.grad().item(), ref.gradTau, 1e-10, path + " grad tau");
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @MethodSource("confidenceShapes")
    void confidenceMatchesTheReference(int nr, int nc) {
        long[] colLabels = LossFixtures.labels(nc, nc, 5);
        long[] rowLabels = Arrays.copyOf(colLabels, nr);
        for (int i = nc; i < nr; i++) rowLabels[i] = 9_999_999L; // no positive column
        double[][] F = LossFixtures.features(3, rowLabels, 7, 1.0), G = LossFixtures.features(4, colLabels, 7, 1.0);
        double[][] S = MethodReference.logits(F, G, 0.1);
        double[][][] c = MethodReference.confidence(S, MethodReference.positives(nr, nc, rowLabels, colLabels));
        for (DType dt : new DType[] {DType.F64, DType.F32}) {
            try (Uncertainty.Confidence got = Uncertainty.confidence(
                    tensor(S, dt), LossFixtures.labelsTensor(rowLabels), LossFixtures.labelsTensor(colLabels))) {
                double tol = dt == DType.F64 ? 1e-12 : 1e-5;
                assertClose(matrix(got.i2t()), c[0], tol, dt + " c_i2t");
                assertClose(matrix(got.t2i()), c[1], tol, dt + " c_t2i");
            }
        }
    }

    static Stream<Arguments> confidenceShapes() {
        return Stream.of(Arguments.of(13, 13), Arguments.of(9, 20), Arguments.of(20, 9));
    }
}
