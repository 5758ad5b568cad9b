package io.weakpair.ops;

import static io.weakpair.testing.GradCheck.param;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.GradMode;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.GradCheck;
import io.weakpair.testing.ScopePerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Softmax and log-softmax: gradients, F32 against F64, values, stability and misuse. */
@ExtendWith(ScopePerTest.class)
class SoftmaxTest {

    @Test
    void gradientsOverTheLastAxis() {
        GradCheck.check("softmax", in -> F.softmax(in[0]), param(1, 3, 7));
        GradCheck.check("softmax[3d]", in -> F.softmax(in[0]), param(2, 2, 3, 5));
        GradCheck.check("softmax[1 col]", in -> F.softmax(in[0]), param(3, 4, 1));
        GradCheck.check("logSoftmax", in -> F.logSoftmax(in[0]), param(4, 3, 7));
        GradCheck.check("logSoftmax[long rows]", in -> F.logSoftmax(in[0]), param(5, 2, 133));
    }

    @Test
    void gradientsOverAnotherAxisAndOfAStridedInput() {
        GradCheck.check("softmax[axis 0]", in -> F.softmax(in[0], 0), param(6, 4, 3));
        GradCheck.check("logSoftmax[axis 1 of 3]", in -> F.logSoftmax(in[0], 1), param(7, 2, 5, 3));
        GradCheck.check("softmax[transposed input]", in -> F.softmax(F.transpose(in[0], 0, 1)), param(8, 5, 3));
    }

    @Test
    void float32MatchesFloat64() {
        GradCheck.checkF32("softmax", in -> F.softmax(in[0]), param(9, 6, 1000));
        GradCheck.checkF32("logSoftmax", in -> F.logSoftmax(in[0]), param(10, 6, 1000));
        GradCheck.checkF32("softmax[wide values]", in -> F.softmax(in[0]), param(11, -30.0, 30.0, 5, 77));
    }

    @Test
    void rowsSumToOneAndLogSoftmaxIsItsLog() {
        try (GradMode off = GradMode.off()) {
            Tensor x = Tensor.randn(12, 4.0, DType.F32, Device.CPU, 37, 129);
            float[] p = F.softmax(x).toFloatArray();
            float[] lp = F.logSoftmax(x).toFloatArray();
            for (int r = 0; r < 37; r++) {
                double sum = 0;
                for (int c = 0; c < 129; c++) {
                    int i = r * 129 + c;
                    assertTrue(p[i] >= 0 && p[i] <= 1, "probability out of range: " + p[i]);
                    assertEquals(Math.log(p[i]), lp[i], 2e-5 * Math.max(1, Math.abs(lp[i])), "log-softmax at " + i);
                    sum += p[i];
                }
                assertEquals(1.0, sum, 1e-5, "row " + r);
            }
        }
    }

    @Test
    void largeScoresDoNotOverflow() {
        try (GradMode off = GradMode.off()) {
            Tensor x = Tensor.of(new float[] {1000f, 1001f, 999f, -1e30f, -1000f, -1001f, -999f, 0f}, 2, 4);
            float[] p = F.softmax(x).toFloatArray();
            float[] lp = F.logSoftmax(x).toFloatArray();
            double e0 = Math.exp(-1), e2 = Math.exp(-2), z = e0 + 1 + e2;
            assertEquals(e0 / z, p[0], 1e-6);
            assertEquals(1 / z, p[1], 1e-6);
            assertEquals(0f, p[3]);
            assertEquals(1f, p[7], 1e-6);
            assertEquals(-Math.log(z), lp[1], 1e-5);
            for (float v : lp) assertTrue(!Float.isNaN(v));
        }
    }

    @Test
    void misuseIsAnExceptionNamingTheOp() {
        Throwable t = assertThrows(IllegalArgumentException.class, () -> F.softmax(Tensor.zeros(DType.I32, 2, 3)));
        assertTrue(t.getMessage().contains("softmax"), t.getMessage());
        t = assertThrows(IllegalArgumentException.class, () -> F.logSoftmax(Tensor.scalar(1, DType.F64)));
        assertTrue(t.getMessage().contains("logSoftmax"), t.getMessage());
        t = assertThrows(IllegalArgumentException.class, () -> F.softmax(Tensor.zeros(DType.F32, 2, 3), 2));
        assertTrue(t.getMessage().contains("softmax"), t.getMessage());
        Tensor closed = Tensor.zeros(DType.F32, 2, 3);
        closed.close();
        t = assertThrows(IllegalStateException.class, () -> F.softmax(closed));
        assertTrue(t.getMessage().contains("softmax"), t.getMessage());
    }
}
