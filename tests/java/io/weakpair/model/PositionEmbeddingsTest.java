package io.weakpair.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bicubic resizing of the position-embedding grid, against values PyTorch's interpolate gives. */
@ExtendWith(ScopePerTest.class)
class PositionEmbeddingsTest {
    /** A 2x3 grid of one channel, values 0..5, after the CLS value 9. */
    private static Tensor grid() {
        return Tensor.fromDoubles(new double[] {9, 0, 1, 2, 3, 4, 5}, DType.F32, Device.CPU, 1, 7, 1);
    }

    @Test
    void sameSizeIsTheIdentity() {
        assertArrayEquals(
                grid().toFloatArray(),
                PositionEmbeddings.resize(grid(), 2, 3, 2, 3).toFloatArray(),
                1e-6f);
    }

    @Test
    void matchesTorchBicubicWithoutAlignedCorners() {
        // torch.nn.functional.interpolate(torch.arange(6.).view(1,1,2,3), size=(3,4), mode='bicubic',
        // align_corners=False)
        // (PyTorch 1.13, printed to float32 precision)
        double[] torch = {
            -0.33219412,
            0.26936847,
            1.20979834,
            1.81136096,
            1.42822266,
            2.02978516,
            2.97021484,
            3.57177734,
            3.18863893,
            3.79020166,
            4.73063135,
            5.33219385
        };
        float[] got = PositionEmbeddings.resize(grid(), 2, 3, 3, 4).toFloatArray();
        assertEquals(9f, got[0], "CLS kept");
        for (int i = 0; i < torch.length; i++) assertEquals(torch[i], got[1 + i], 1e-5, "grid position " + i);
    }

    @Test
    void aConstantGridStaysConstant() {
        Tensor c = Tensor.fromDoubles(new double[] {1, 2, 2, 2, 2, 2, 2}, DType.F32, Device.CPU, 1, 7, 1);
        float[] got = PositionEmbeddings.resize(c, 2, 3, 5, 2).toFloatArray();
        for (int i = 1; i < got.length; i++) assertEquals(2f, got[i], 1e-6f);
    }

    @Test
    void aGridThatDoesNotFitIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> PositionEmbeddings.resize(grid(), 2, 2, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> PositionEmbeddings.resize(grid(), 2, 3, 0, 3));
    }
}
