package io.weakpair.loss;

import static io.weakpair.loss.LossFixtures.assertClose;
import static io.weakpair.loss.LossFixtures.matrix;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.Autograd;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The tiled path (S recomputed block by block) against the materialised one (S kept whole) on
 * sizes on both sides of the AUTO threshold, with row blocks that do not divide N (and a last
 * block of one row), square and rectangular, F32 and F64.
 */
@ExtendWith(ScopePerTest.class)
class ContrastivePathsTest {

    private record Grads(double loss, double[][] gf, double[][] gg, double gt) {}

    private static Grads run(Tensor f, Tensor g, Tensor t, Tensor rl, Tensor cl, ContrastiveLoss.Options o) {
        try (Scope s = Scope.open()) {
            Autograd.backward(ContrastiveLoss.apply(f, g, t, rl, cl, o).loss());
            Grads out =
                    new Grads(0, matrix(f.grad()), matrix(g.grad()), t.grad().item());
            double loss;
            try (io.weakpair.autograd.GradMode off = io.weakpair.autograd.GradMode.off()) {
                loss = ContrastiveLoss.apply(f, g, t, rl, cl, o).loss().item();
            }
            f.zeroGrad();
            g.zeroGrad();
            t.zeroGrad();
            return new Grads(loss, out.gf(), out.gg(), out.gt());
        }
    }

    private static void compare(int nr, int nc, int d, DType dt, int[] blockRows, double tol) {
        long[] cl = LossFixtures.labels(nc, nc, 5);
        long[] rl = new long[nr];
        for (int i = 0; i < nr; i++) rl[i] = i < nc ? cl[i] : -1 - i;
        Tensor f =
                LossFixtures.tensor(LossFixtures.features(nr, rl, d, 0.9), dt).requiresGrad(true);
        Tensor g = LossFixtures.tensor(LossFixtures.features(nc + 1, cl, d, 0.9), dt)
                .requiresGrad(true);
        Tensor t = Tensor.full(0.07, dt, Device.CPU).requiresGrad(true);
        Tensor rlt = LossFixtures.labelsTensor(rl), clt = LossFixtures.labelsTensor(cl);
        ContrastiveLoss.Options base = ContrastiveLoss.Options.uncertainty(0.6);
        Grads ref = run(f, g, t, rlt, clt, base.withPath(ContrastiveLoss.Path.MATERIALISED));
        Grads auto = run(f, g, t, rlt, clt, base);
        String w = nr + "x" + nc + " " + dt;
        assertClose(auto.loss(), ref.loss(), tol, w + " auto loss");
        for (int br : blockRows) {
            Grads tiled = run(
                    f, g, t, rlt, clt, base.withPath(ContrastiveLoss.Path.TILED).withBlockRows(br));
            String v = w + " tiled block " + br;
            assertClose(tiled.loss(), ref.loss(), tol, v + " loss");
            assertClose(tiled.gf(), ref.gf(), tol * 10, v + " grad F");
            assertClose(tiled.gg(), ref.gg(), tol * 10, v + " grad G");
            assertClose(tiled.gt(), ref.gt(), tol * 10, v + " grad tau");
        }
    }

    @Test
    void tiledMatchesMaterialisedAcrossTheThreshold() {
        long threshold = ContrastiveLoss.MATERIALISED_MAX_LOGITS;
        int below = (int) Math.sqrt((double) threshold) - 3, above = (int) Math.sqrt((double) threshold) + 5;
        assertTrue((long) below * below <= threshold && (long) above * above > threshold);
        compare(below, below, 12, DType.F32, new int[] {0, 37}, 2e-5);
        compare(above, above, 12, DType.F32, new int[] {0, 101}, 2e-5);
        compare(above - 40, above + 13, 12, DType.F32, new int[] {64}, 2e-5);
    }

    @Test
    void tiledMatchesMaterialisedInDoubleWithAwkwardBlocks() {
        compare(131, 131, 7, DType.F64, new int[] {1, 10, 130, 131, 500}, 1e-12);
        compare(77, 140, 9, DType.F64, new int[] {19, 76}, 1e-12);
        compare(140, 77, 9, DType.F64, new int[] {13}, 1e-12);
    }
}
