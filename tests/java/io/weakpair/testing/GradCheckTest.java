package io.weakpair.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.GradMode;
import io.weakpair.ops.F;
import io.weakpair.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The gradient check itself: a wrong small entry must not hide behind large correct ones. */
@ExtendWith(ScopePerTest.class)
class GradCheckTest {
    /** out = [1e4 * x0, 1e-3 * x1..x5], where the small part is computed without a graph: its gradient is missing. */
    private static Tensor wrongSmallEntries(Tensor[] in) {
        Tensor big = F.affine(F.slice(in[0], 0, 0, 1), 1e4, 0);
        Tensor small;
        try (GradMode off = GradMode.off()) {
            small = F.affine(F.slice(in[0], 0, 1, 6), 1e-3, 0);
        }
        return F.concat(List.of(big, small), 0);
    }

    @Test
    void aWrongSmallEntryFailsTheCheck() {
        // One norm ratio ||analytic - numeric|| / ||numeric|| is about 1e-3 ||w_small|| / (1e4 |w_0|),
        // near the old tolerance of 1e-6; per element the small entries are off by 100%.
        AssertionError e = assertThrows(
                AssertionError.class,
                () -> GradCheck.check("wrong-small-entries", GradCheckTest::wrongSmallEntries, GradCheck.param(1, 6)));
        assertTrue(e.getMessage().contains("at element"), e.getMessage());
    }

    @Test
    void theSameFunctionWithItsGraphPasses() {
        GradCheck.check(
                "scaled-entries",
                in -> F.concat(
                        List.of(F.affine(F.slice(in[0], 0, 0, 1), 1e4, 0), F.affine(F.slice(in[0], 0, 1, 6), 1e-3, 0)),
                        0),
                GradCheck.param(1, 6));
    }
}
