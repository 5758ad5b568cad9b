package io.weakpair.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.autograd.GradMode;
import io.weakpair.data.BatchAssembler;
import io.weakpair.data.BatchPlan;
import io.weakpair.data.BatchPlans;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.DatasetSplit;
import io.weakpair.data.Split;
import io.weakpair.eval.AttributeProbe;
import io.weakpair.progress.ProgressFactory;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Scope;
import io.weakpair.tensor.Tensor;
import io.weakpair.testing.ScopePerTest;
import io.weakpair.testing.TinyDatasets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one batched image loop: batch by batch it gives what one pass over all images gives, in
 * record order, under eval mode without gradients, and hands the model back in the mode it found.
 */
@ExtendWith(ScopePerTest.class)
class ImageEncoderTest {
    @TempDir
    Path dir;

    @Test
    void batchedFeaturesEqualOnePassInRecordOrderAndTheModeIsRestored() throws IOException {
        DatasetSplit split = DatasetReader.read(TinyDatasets.write(dir.resolve("data"), 3, 0, 3, false))
                .split(Split.TRAIN);
        ModelConfig c = ModelFixtures.micro();
        try (AlbefModel model = new AlbefModel(c, 4, DType.F32, Device.CPU)) {
            model.regularisation().configure(0.5, 0.5); // dropout on in training mode: eval mode must switch it off
            model.train(true);
            float[][] batched = AttributeProbe.imageFeatures(model, split, 4, ProgressFactory.SILENT);
            assertTrue(model.isTraining(), "the mode it found");
            assertTrue(GradMode.isEnabled(), "gradients back on");

            // All images in one batch, assembled by the same transform.
            List<BatchPlan> one = BatchPlans.gallery(split, split.numImages());
            float[][] whole;
            try (Inference on = Inference.on(model);
                    Scope s = Scope.open()) {
                assertFalse(model.isTraining());
                io.weakpair.data.Batch b = new BatchAssembler(Preprocessing.images(c)).assemble(one.get(0));
                whole = ImageEncoder.rows(model.imageFeatures(Tensor.of(b.images(), b.size(), 3, b.height(), b.width()))
                        .features());
            }
            assertEquals(split.numImages(), batched.length);
            for (int i = 0; i < whole.length; i++) assertArrayEquals(whole[i], batched[i], 1e-5f, "image " + i);
        }
    }

    @Test
    void aPassStopsAfterTheBatchProceedRefuses() throws IOException {
        DatasetSplit split = DatasetReader.read(TinyDatasets.write(dir.resolve("data"), 3, 0, 3, false))
                .split(Split.TRAIN);
        try (AlbefModel model = new AlbefModel(ModelFixtures.micro(), 4, DType.F32, Device.CPU);
                Inference on = Inference.on(model)) {
            List<Integer> sizes = new java.util.ArrayList<>();
            boolean finished = new ImageEncoder(model)
                    .encodeWhile(
                            BatchPlans.gallery(split, 2),
                            1,
                            2,
                            (b, encoded) -> sizes.add(encoded.features().dim(0)),
                            b -> sizes.size() < 2);
            assertFalse(finished, "stopped before the end");
            assertEquals(List.of(2, 2), sizes, "two batches of two reached the sink, no third");
        }
    }
}
