package io.weakpair.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weakpair.data.DataRecord;
import io.weakpair.data.Dataset;
import io.weakpair.data.DatasetReader;
import io.weakpair.data.Split;
import io.weakpair.data.synth.SynthConfig;
import io.weakpair.data.synth.SyntheticGenerator;
import io.weakpair.model.AlbefModel;
import io.weakpair.model.ModelCheckpoint;
import io.weakpair.model.ModelConfig;
import io.weakpair.tensor.DType;
import io.weakpair.tensor.Device;
import io.weakpair.tensor.Tensor;
import io.weakpair.text.Vocabulary;
import io.weakpair.text.VocabularyBuilder;
import io.weakpair.train.ConfigKey;
import io.weakpair.train.RunFolder;
import io.weakpair.train.TrainConfig;
import io.weakpair.train.Trainer;
import io.weakpair.train.TrainingListener;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code weakpair train --device cuda} runs the same loop as the CPU: a few steps of the full
 * fine-tune objective (uITC + GITM + MLM, AdamW, warm-up, clipping, temperature clamp) from one
 * initial checkpoint give the CPU's losses at every step and the CPU's weights at the end. A
 * micro model keeps it to seconds on the CUDA emulator; the GPU check script's {@code train}
 * stage does the same with the tiny preset on a real GPU.
 */
class CudaTrainingTest {
    @TempDir
    Path dir;

    private record Run(List<TrainingListener.StepRecord> steps, Map<String, Tensor> weights, AlbefModel model) {}

    private Run train(Device device, Path data, Path init, String name) throws IOException {
        TrainConfig cfg = TrainConfig.defaults()
                .withAll(
                        Map.of(
                                ConfigKey.INIT,
                                init.toString(),
                                ConfigKey.BATCH,
                                "2x2",
                                ConfigKey.EPOCHS,
                                1,
                                ConfigKey.MAX_STEPS,
                                4,
                                ConfigKey.WARMUP_STEPS,
                                2,
                                ConfigKey.K_TEST,
                                0),
                        "test");
        List<TrainingListener.StepRecord> steps = new ArrayList<>();
        TrainingListener record = new TrainingListener() {
            @Override
            public void onStep(StepRecord step) {
                steps.add(step);
            }
        };
        RunFolder run = RunFolder.prepare(dir.resolve(name));
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        Trainer.Outcome out =
                new Trainer(cfg, device, run, quiet, List.of(record)).run(DatasetReader.read(data), false);
        assertEquals(4, out.steps(), name + ": steps");
        AlbefModel model = ModelCheckpoint.load(out.checkpoint(), Device.CPU);
        return new Run(steps, model.namedParameters(), model);
    }

    @Test
    void aFewStepsOnTheDeviceGiveTheCpusLossesAndWeights() throws IOException {
        Device gpu = CudaTestSupport.device();
        Path data = dir.resolve("synth");
        SyntheticGenerator.generate(SynthConfig.defaults().withIds(12).withSize(32, 16), data, 2, null);
        Dataset dataset = DatasetReader.read(data);
        List<String> captions = new ArrayList<>();
        for (DataRecord r : dataset.split(Split.TRAIN).records()) captions.addAll(r.captions());
        Vocabulary vocab = VocabularyBuilder.build(captions, 200, 1);
        // A micro model (32x16 images, width 16) so the emulator runs the steps in seconds.
        ModelConfig c =
                new ModelConfig("custom", 32, 16, 8, 16, 1, 2, 2, 16, 1, 1, 2, 32, vocab.size(), 40, 24, 8, true);
        Path init = dir.resolve("init.safetensors");
        try (AlbefModel m = new AlbefModel(c, 7, DType.F32, Device.CPU)) {
            ModelCheckpoint.save(m, init);
        }
        vocab.write(ModelCheckpoint.vocabularyPath(init));

        Run cpu = train(Device.CPU, data, init, "cpu"), dev = train(gpu, data, init, "cuda");
        try (AlbefModel a = cpu.model();
                AlbefModel b = dev.model()) {
            for (int i = 0; i < cpu.steps().size(); i++) {
                TrainingListener.StepRecord x = cpu.steps().get(i),
                        y = dev.steps().get(i);
                assertEquals(x.pairs(), y.pairs(), "step " + i + ": the same mined pairs");
                assertEquals(x.loss(), y.loss(), 1e-4 * Math.abs(x.loss()), "step " + i + ": loss");
                assertEquals(x.itc(), y.itc(), 1e-4 * Math.abs(x.itc()), "step " + i + ": itc");
                assertEquals(x.matching(), y.matching(), 1e-4 * Math.abs(x.matching()), "step " + i + ": matching");
                assertEquals(x.mlm(), y.mlm(), 1e-4 * Math.abs(x.mlm()), "step " + i + ": mlm");
            }
            // After four AdamW steps, per tensor in norm. The attention key biases are the exception: their true
            // gradient is 0 (softmax ignores a shift per row), so each side steps them on its own rounding noise,
            // by at most lr per step (Adam divides by sqrt(v)); there the bound is what is checked. They are the
            // text encoder's key.bias tensors and the middle third of the ViT's fused qkv.bias.
            double worst = 0, lrBound = 4 * TrainConfig.defaults().lr() * 1.01;
            for (Map.Entry<String, Tensor> e : cpu.weights().entrySet()) {
                double[] want = e.getValue().toDoubleArray(),
                        got = dev.weights().get(e.getKey()).toDoubleArray();
                int keyFrom = 0, keyTo = 0;
                if (e.getKey().endsWith("attention.self.key.bias")) keyTo = want.length;
                else if (e.getKey().endsWith("attn.qkv.bias")) {
                    keyFrom = want.length / 3;
                    keyTo = 2 * want.length / 3;
                }
                for (int i = keyFrom; i < keyTo; i++) {
                    assertTrue(
                            Math.abs(want[i]) <= lrBound && Math.abs(got[i]) <= lrBound,
                            e.getKey() + "[" + i + "] moved beyond 4 lr");
                    want[i] = got[i] = 0;
                }
                double diff = 0, size = 0;
                for (int i = 0; i < want.length; i++) {
                    diff += (got[i] - want[i]) * (got[i] - want[i]);
                    size += want[i] * want[i];
                }
                double rel = Math.sqrt(diff) / Math.max(Math.sqrt(size), 1e-6);
                worst = Math.max(worst, rel);
                assertTrue(rel <= 1e-4, e.getKey() + ": weights differ, relative error " + rel);
            }
            System.out.printf(
                    "cuda-vs-cpu training: %d steps, losses agree, %d weight tensors, worst relative error %.3e%n",
                    cpu.steps().size(), cpu.weights().size(), worst);
        }
    }
}
